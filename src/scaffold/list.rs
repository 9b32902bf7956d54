//! Appending a name to a list of a `meta.yaml` by editing its text, so that its comments, order,
//! style and everything else an author wrote stay as they are.
//!
//! The lists nbe appends to (`categories:` of `examples/meta.yaml`, `examples:` of a category's
//! `meta.yaml`) are top-level keys holding plain names, in block style (`- name` lines) or flow
//! style on one line (`[a, b]`). A key that is missing is added at the end. Anything else (a
//! flow list spread over lines, a value that is not a list) is left to the author, with an error
//! saying so; the caller parses the result and checks it holds the list it expects.

/// `text` with `item` appended to the list under the top-level `key`, or why it cannot be.
pub fn append(text: &str, key: &str, item: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let prefix = format!("{key}:");
    let Some(at) = lines.iter().position(|line| line.starts_with(&prefix)) else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&format!("{key}:\n  - {item}\n"));
        return Ok(out);
    };
    let line = lines[at];
    let value = without_comment(&line[prefix.len()..]).trim();
    let mut out: Vec<String> = lines.iter().map(|line| line.to_string()).collect();
    if let Some(inner) = value.strip_prefix('[') {
        // Flow style on one line: `key: [a, b]  # comment` becomes `key: [a, b, item]  # comment`.
        let Some(inner) = inner.strip_suffix(']') else {
            return Err(format!(
                "`{key}:` is a list spread over several lines; add {item:?} to it by hand"
            ));
        };
        let close = prefix.len() + line[prefix.len()..].find(']').unwrap_or_default();
        let (before, after) = line.split_at(close);
        let joined = if inner.trim().is_empty() {
            format!("{}{item}", before.trim_end())
        } else {
            format!("{}, {item}", before.trim_end())
        };
        out[at] = format!("{joined}{after}");
        return Ok(out.concat());
    }
    if !value.is_empty() {
        return Err(format!(
            "`{key}:` does not hold a list; make it one and add {item:?} to it"
        ));
    }
    // Block style: the list runs over the lines below the key that are items, indented, blank or
    // comments, up to the next line starting in the first column.
    let block_end = lines[at + 1..]
        .iter()
        .position(|line| !(line.trim().is_empty() || line.starts_with([' ', '\t', '-', '#'])))
        .map_or(lines.len(), |n| at + 1 + n);
    let last_item = (at + 1..block_end)
        .rev()
        .find(|&n| lines[n].trim_start().starts_with('-'));
    let (after, indent) = match last_item {
        Some(n) => {
            let indent = &lines[n][..lines[n].len() - lines[n].trim_start().len()];
            (n, indent.to_string())
        }
        None => (at, "  ".to_string()),
    };
    if !out[after].ends_with('\n') {
        out[after].push('\n');
    }
    out.insert(after + 1, format!("{indent}- {item}\n"));
    Ok(out.concat())
}

/// `value` without a trailing `# comment` (a `#` after a space, as YAML has it).
fn without_comment(value: &str) -> &str {
    let bytes = value.as_bytes();
    (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()))
        .map_or(value, |i| &value[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_list_gets_a_line_after_its_last_item_with_its_indent() {
        let text = "# Reading order.\ntitle: T\nexamples:\n    - one   # first\n    # later: two\n    - three\n\n# end\ndescription: x\n";
        assert_eq!(
            append(text, "examples", "four").unwrap(),
            "# Reading order.\ntitle: T\nexamples:\n    - one   # first\n    # later: two\n    - three\n    - four\n\n# end\ndescription: x\n"
        );
        let flush = "categories:\n- a\n- b";
        assert_eq!(
            append(flush, "categories", "c").unwrap(),
            "categories:\n- a\n- b\n- c\n"
        );
        assert_eq!(
            append("examples:\n", "examples", "a").unwrap(),
            "examples:\n  - a\n"
        );
    }

    #[test]
    fn a_flow_list_gets_the_name_before_its_bracket() {
        assert_eq!(
            append("examples: [a, b]  # order\n", "examples", "c").unwrap(),
            "examples: [a, b, c]  # order\n"
        );
        assert_eq!(
            append("examples: []\n", "examples", "c").unwrap(),
            "examples: [c]\n"
        );
    }

    #[test]
    fn a_missing_key_is_added_at_the_end() {
        assert_eq!(
            append("title: T", "examples", "a").unwrap(),
            "title: T\nexamples:\n  - a\n"
        );
        assert_eq!(append("", "categories", "a").unwrap(), "categories:\n  - a\n");
        // A key that only starts like it is another key.
        assert_eq!(
            append("examples_old: [x]\n", "examples", "a").unwrap(),
            "examples_old: [x]\nexamples:\n  - a\n"
        );
    }

    #[test]
    fn what_it_cannot_edit_safely_is_left_to_the_author() {
        assert!(
            append("examples: [a,\n  b]\n", "examples", "c")
                .unwrap_err()
                .contains("by hand")
        );
        assert!(
            append("examples: a\n", "examples", "c")
                .unwrap_err()
                .contains("not hold a list")
        );
    }
}
