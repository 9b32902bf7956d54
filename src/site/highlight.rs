//! Highlighting at build time: tokens become `<span>`s with short class names the stylesheet colours.

use std::ops::Range;

use super::html::escape_into;
use crate::program::syntax::{Token, TokenKind};

/// The CSS class of a token kind; plain text gets no span.
fn class(kind: TokenKind) -> Option<&'static str> {
    match kind {
        TokenKind::Plain => None,
        TokenKind::Comment => Some("c"),
        TokenKind::Str => Some("s"),
        TokenKind::Keyword => Some("k"),
        TokenKind::Number => Some("n"),
        TokenKind::Variable => Some("v"),
    }
}

/// The escaped, highlighted HTML of `range` of `source`, cut from the tokens of the whole source.
pub fn highlight(source: &str, tokens: &[Token], range: Range<usize>) -> String {
    let mut out = String::with_capacity(range.len() * 2);
    let first = tokens.partition_point(|t| t.end <= range.start);
    for token in tokens[first..].iter().take_while(|t| t.start < range.end) {
        let text = &source[token.start.max(range.start)..token.end.min(range.end)];
        match class(token.kind) {
            Some(class) => {
                out.push_str("<span class=\"");
                out.push_str(class);
                out.push_str("\">");
                escape_into(&mut out, text);
                out.push_str("</span>");
            }
            None => escape_into(&mut out, text),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Kind;
    use crate::program::syntax::Syntax;

    #[test]
    fn spans_are_cut_to_the_range_and_escaped() {
        let source = "x := \"<b>\" // a < b\ny := 1\n";
        let tokens = Syntax::of(Kind::named("go")).parse(source).unwrap().tokens;
        assert_eq!(
            highlight(source, &tokens, 0..19),
            "x := <span class=\"s\">&quot;&lt;b&gt;&quot;</span> <span class=\"c\">// a &lt; b</span>"
        );
        assert_eq!(
            highlight(source, &tokens, 20..26),
            "y := <span class=\"n\">1</span>"
        );
    }
}
