//! What a bash script does, as far as the lint rules need to know: the files it writes with
//! heredocs, the `nats-server`s it starts, its sleeps, the commands that use a server before
//! anything waited for it, and the absolute paths it names.
//!
//! The script is parsed by `brush-parser` (the parser of the brush shell: quotes, heredocs, `&`,
//! loops, functions), then walked in execution order by a deliberately small evaluator: it knows
//! the values of variables assigned literal text (`name=east`, `local name=$1`), calls functions
//! with their arguments, and runs a `for` loop over literal words once per word, so a server
//! config written by a function called six times yields six files. Anything it cannot know (a
//! command substitution, arithmetic, an unset variable) becomes [`UNKNOWN`] in the text, and the
//! rules treat a value holding it as unknown rather than guessing.

use std::collections::HashMap;

use brush_parser::ast::{
    self, Command, CommandPrefixOrSuffixItem, CompoundCommand, CompoundList, IoFileRedirectKind,
    IoFileRedirectTarget, IoRedirect, SeparatorOperator,
};

/// Stands for a part of a value the evaluator cannot know.
pub const UNKNOWN: char = '\u{1}';

/// A position in the script: one-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    /// One-based line.
    pub line: usize,
    /// One-based column.
    pub column: usize,
}

/// A file the script writes from a heredoc (`cat > s1.conf <<EOF`).
#[derive(Debug, Clone)]
pub struct WrittenFile {
    /// Its name as the script writes it, expanded.
    pub name: String,
    /// Its text, expanded when the heredoc expands.
    pub text: String,
    /// The script line of the heredoc's first line of text.
    pub first_line: usize,
}

/// A `nats-server` the script starts.
#[derive(Debug, Clone)]
pub struct ServerStart {
    /// Where the command is.
    pub at: Pos,
    /// Started with `&`.
    pub background: bool,
    /// Its arguments, expanded.
    pub args: Vec<String>,
    /// The config files the script had written when the server started, by name.
    pub files: HashMap<String, WrittenFile>,
    /// When it starts and stops, counted in commands run: two servers conflict only while both
    /// run. A server is stopped by a `kill` of the pid the script took from `$!` right after
    /// starting it, or by a `kill` (or `nats-server --signal`) the walker cannot attribute.
    pub alive: std::ops::Range<usize>,
}

/// True when two [`ServerStart::alive`] ranges share a moment.
pub fn overlap(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// A `sleep` command.
#[derive(Debug, Clone)]
pub struct Sleep {
    /// Where it is.
    pub at: Pos,
    /// Its argument, like `1`.
    pub duration: String,
    /// Inside a loop that breaks (or returns) on a condition: a poll, not a fixed wait.
    pub polling: bool,
}

/// A command that used a server started in the background before anything waited for it.
#[derive(Debug, Clone)]
pub struct EarlyUse {
    /// Where the command is.
    pub at: Pos,
    /// The command word, like `nats`.
    pub command: String,
    /// Where the servers it may use were started.
    pub servers: Vec<Pos>,
    /// The last fixed sleep since they started, if any.
    pub sleep: Option<Pos>,
}

/// An absolute path the script names.
#[derive(Debug, Clone)]
pub struct AbsolutePath {
    /// Where it is.
    pub at: Pos,
    /// The path.
    pub path: String,
}

/// What a script does.
#[derive(Debug, Default)]
pub struct Script {
    /// Servers in the order they start (a loop's server once per iteration).
    pub servers: Vec<ServerStart>,
    /// Every sleep, once per place in the script.
    pub sleeps: Vec<Sleep>,
    /// Commands that used a server before a readiness wait.
    pub early_uses: Vec<EarlyUse>,
    /// Absolute paths outside the work dir, once per place.
    pub paths: Vec<AbsolutePath>,
    /// Where the walk went past its budget ([`MAX_STEPS`] commands or [`MAX_SERVERS`] servers,
    /// loop passes and calls counted) and from then on walked each loop and call at most once
    /// and recorded no more servers; `None` when it walked the whole script.
    pub cut: Option<Pos>,
    /// The commands it runs that are no function it defines, with a literal name, once per
    /// place: what must be a builtin or a program on `PATH`.
    pub commands: Vec<(String, Pos)>,
}

/// Why a script could not be read.
#[derive(Debug, Clone)]
pub struct ParseError {
    /// Where, when the parser says.
    pub at: Option<Pos>,
    /// The parser's message.
    pub message: String,
}

/// How deep a script may nest its constructs (`if`, loops, `case`, `$(`, `${`, brackets) for nbe
/// to read it. brush-parser parses (and tokenizes `$(`) recursively, so a script nested thousands
/// deep would overflow the stack; a real example nests a handful deep.
pub const MAX_NESTING: usize = 100;

/// The stack the parse runs on: room for [`MAX_NESTING`] levels many times over, even in a debug
/// build, so a script the depth scan undercounts still cannot overflow it.
const PARSE_STACK: usize = 64 << 20;

/// Parses and walks `source`. A script nested deeper than [`MAX_NESTING`] is an error at the line
/// where it gets too deep, never a crash.
pub fn analyse(source: &str) -> Result<Script, ParseError> {
    if let Some(at) = too_deep(source) {
        return Err(ParseError {
            at: Some(at),
            message: format!(
                "it nests more than {MAX_NESTING} constructs (`if`, loops, `$(`, `${{`, brackets) deep by line {}; move inner parts into functions",
                at.line
            ),
        });
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("lint-parse".to_string())
            .stack_size(PARSE_STACK)
            .spawn_scoped(scope, || parse_and_walk(source))
            .map_err(|err| ParseError {
                at: None,
                message: format!("no thread to parse it on: {err}"),
            })?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// Where `source` first nests deeper than [`MAX_NESTING`], found by a linear scan that knows
/// quotes, comments, heredocs and the words that open and close blocks; `None` when it does not.
///
/// Each kind of bracket is counted on its own, and a closer with nothing open of its kind is
/// ignored: a `case` pattern's lone `)` then takes nothing away from the `case` it is in.
fn too_deep(source: &str) -> Option<Pos> {
    let bytes = source.as_bytes();
    // Open parentheses, braces and block words (`if`, `case`, `do`).
    let mut open = [0usize; 3];
    let mut line = 1;
    let mut double = false;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    let word_start = |i: usize| {
        i == 0
            || matches!(
                bytes[i - 1],
                b' ' | b'\t' | b'\n' | b';' | b'(' | b')' | b'|' | b'&'
            )
    };
    let word_end =
        |i: usize| i >= bytes.len() || matches!(bytes[i], b' ' | b'\t' | b'\n' | b';' | b')' | b'|' | b'&');
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                line += 1;
                i += 1;
                // Heredoc bodies start on the next line: skip them, each to its delimiter.
                for (delimiter, strip) in std::mem::take(&mut heredocs) {
                    while i < bytes.len() {
                        let end = bytes[i..]
                            .iter()
                            .position(|b| *b == b'\n')
                            .map_or(bytes.len(), |n| i + n);
                        let text = &source[i..end];
                        let text = if strip {
                            text.trim_start_matches('\t')
                        } else {
                            text
                        };
                        i = (end + 1).min(bytes.len());
                        line += 1;
                        if text == delimiter {
                            break;
                        }
                    }
                }
                continue;
            }
            b'\\' => i += 1,
            b'\'' if !double => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    line += usize::from(bytes[i] == b'\n');
                    i += 1;
                }
            }
            b'"' => double = !double,
            b'#' if !double && word_start(i) => {
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
            }
            b'<' if !double && bytes.get(i + 1) == Some(&b'<') && bytes.get(i + 2) != Some(&b'<') => {
                i += 2;
                let strip = bytes.get(i) == Some(&b'-');
                i += usize::from(strip);
                while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
                    i += 1;
                }
                let start = i;
                while i < bytes.len()
                    && !matches!(
                        bytes[i],
                        b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b'<' | b'>' | b')'
                    )
                {
                    i += 1;
                }
                let delimiter: String = source[start..i]
                    .chars()
                    .filter(|c| !matches!(c, '\'' | '"' | '\\'))
                    .collect();
                if !delimiter.is_empty() {
                    heredocs.push((delimiter, strip));
                }
                continue;
            }
            b'$' if matches!(bytes.get(i + 1), Some(b'(' | b'{')) => {}
            b'(' if !double => open[0] += 1,
            b'{' if !double => open[1] += 1,
            b')' => open[0] = open[0].saturating_sub(1),
            b'}' => open[1] = open[1].saturating_sub(1),
            _ if !double && word_start(i) => {
                let word = |w: &str| bytes[i..].starts_with(w.as_bytes()) && word_end(i + w.len());
                if word("if") || word("case") || word("do") {
                    open[2] += 1;
                } else if word("fi") || word("esac") || word("done") {
                    open[2] = open[2].saturating_sub(1);
                }
            }
            _ => {}
        }
        // `$(` and `${` open inside double quotes too.
        if c == b'$' && matches!(bytes.get(i + 1), Some(b'(' | b'{')) {
            open[usize::from(bytes[i + 1] == b'{')] += 1;
            i += 1;
        }
        if open.iter().sum::<usize>() > MAX_NESTING {
            return Some(Pos { line, column: 1 });
        }
        i += 1;
    }
    None
}

fn parse_and_walk(source: &str) -> Result<Script, ParseError> {
    let options = brush_parser::ParserOptions::default();
    let mut parser = brush_parser::Parser::new(std::io::Cursor::new(source), &options);
    let program = parser.parse_program().map_err(|err| ParseError {
        at: match &err {
            brush_parser::ParseError::ParsingNear(at)
            | brush_parser::ParseError::Tokenizing {
                position: Some(at), ..
            } => Some(Pos {
                line: at.line,
                column: at.column,
            }),
            _ => None,
        },
        message: err.to_string(),
    })?;
    let mut walker = Walker::default();
    for list in &program.complete_commands {
        walker.list(list, false);
    }
    let mut script = walker.script;
    script.sleeps.sort_by_key(|sleep| sleep.at);
    script.sleeps.dedup_by_key(|sleep| sleep.at);
    script.paths.sort_by_key(|path| path.at);
    script.paths.dedup_by(|a, b| a.at == b.at && a.path == b.path);
    script.commands.sort_by_key(|(_, at)| *at);
    script.commands.dedup();
    Ok(script)
}

/// How deep function calls are followed (a recursive function stops here).
const MAX_CALL_DEPTH: usize = 8;
/// How many iterations of a literal `for` loop are walked one by one.
const MAX_ITERATIONS: usize = 64;
/// How many commands the walk runs, loop passes and calls counted, before it walks each further
/// loop once: nested loops multiply (three loops of 64 words: 262,144 passes).
pub const MAX_STEPS: usize = 100_000;
/// How many started servers the walk records: each keeps the files written so far, and the rules
/// compare servers in pairs.
pub const MAX_SERVERS: usize = 256;

/// The variables every one of `branches` (the states after each way through a conditional) knows
/// with the same value: any other is unknown after it.
fn agreed(mut branches: Vec<HashMap<String, String>>) -> HashMap<String, String> {
    let Some(mut known) = branches.pop() else {
        return HashMap::new();
    };
    known.retain(|name, value| branches.iter().all(|other| other.get(name) == Some(value)));
    known
}

#[derive(Default)]
struct Walker<'a> {
    script: Script,
    /// Variables with a known value.
    vars: HashMap<String, String>,
    functions: HashMap<String, &'a ast::FunctionBody>,
    files: HashMap<String, WrittenFile>,
    /// Servers started in the background that nothing has waited for yet.
    pending: Vec<Pos>,
    /// The last fixed sleep since the oldest pending server started.
    slept: Option<Pos>,
    /// How many polling loops enclose the current command.
    polling: usize,
    depth: usize,
    /// Commands run so far: the clock of [`ServerStart::alive`].
    step: usize,
    /// The server the last `&` started, if that command was a server (what `$!` names).
    last_background: Option<usize>,
    /// Variables holding a `$!`, with the server it names (`None`: another program).
    pids: HashMap<String, Option<usize>>,
    /// Where the last command walked is.
    at: Pos,
    /// The functions called once since the budget ran out: each is walked once more at most.
    called: std::collections::HashSet<*const ast::FunctionBody>,
}

impl<'a> Walker<'a> {
    fn list(&mut self, list: &'a CompoundList, background: bool) {
        for item in &list.0 {
            let background = background || matches!(item.1, SeparatorOperator::Async);
            self.pipeline(&item.0.first, background);
            for next in &item.0.additional {
                let (ast::AndOr::And(pipeline) | ast::AndOr::Or(pipeline)) = next;
                self.pipeline(pipeline, background);
            }
        }
    }

    fn pipeline(&mut self, pipeline: &'a ast::Pipeline, background: bool) {
        for command in &pipeline.seq {
            self.command(command, background);
        }
    }

    fn command(&mut self, command: &'a Command, background: bool) {
        match command {
            Command::Simple(simple) => self.simple(simple, background),
            Command::Compound(compound, redirects) => {
                if let Some(redirects) = redirects {
                    for redirect in &redirects.0 {
                        self.redirect_paths(redirect);
                    }
                }
                self.compound(compound, background);
            }
            Command::Function(definition) => {
                self.functions
                    .insert(definition.fname.value.clone(), &definition.body);
            }
            Command::ExtendedTest(..) => {}
        }
    }

    fn compound(&mut self, compound: &'a CompoundCommand, background: bool) {
        match compound {
            CompoundCommand::BraceGroup(group) => self.list(&group.list, background),
            CompoundCommand::Subshell(subshell) => self.list(&subshell.list, background),
            CompoundCommand::IfClause(clause) => {
                self.list(&clause.condition, background);
                let before = self.vars.clone();
                let mut branches = Vec::new();
                self.list(&clause.then, background);
                branches.push(std::mem::replace(&mut self.vars, before.clone()));
                let mut has_else = false;
                for other in clause.elses.iter().flatten() {
                    if let Some(condition) = &other.condition {
                        self.list(condition, background);
                    } else {
                        has_else = true;
                    }
                    self.list(&other.body, background);
                    branches.push(std::mem::replace(&mut self.vars, before.clone()));
                }
                if !has_else {
                    branches.push(before);
                }
                self.vars = agreed(branches);
            }
            CompoundCommand::CaseClause(clause) => {
                // With a known value, only the branch it selects runs; otherwise any branch may
                // have, and a variable is known after the `case` only if every branch agrees.
                let value = Some(self.expand(&clause.value.value)).filter(|v| !v.contains(UNKNOWN));
                let selected = value.and_then(|value| {
                    clause.cases.iter().position(|case| {
                        case.patterns.iter().any(|pattern| {
                            let pattern = self.expand(&pattern.value);
                            pattern == "*" || pattern == value
                        })
                    })
                });
                // A pattern that is neither `*` nor a plain word could match where the plain
                // comparison did not: then the branches are merged as for an unknown value.
                let plain = clause.cases.iter().all(|case| {
                    case.patterns.iter().all(|pattern| {
                        let pattern = self.expand(&pattern.value);
                        pattern == "*" || !pattern.contains(['*', '?', '[', UNKNOWN])
                    })
                });
                match selected {
                    Some(index) if plain => {
                        if let Some(list) = &clause.cases[index].cmd {
                            self.list(list, background);
                        }
                    }
                    _ => {
                        let before = self.vars.clone();
                        let mut branches = vec![before.clone()];
                        for case in &clause.cases {
                            if let Some(list) = &case.cmd {
                                self.list(list, background);
                            }
                            branches.push(std::mem::replace(&mut self.vars, before.clone()));
                        }
                        self.vars = agreed(branches);
                    }
                }
            }
            CompoundCommand::ForClause(clause) => {
                let polling = breaks_out(&clause.body.list);
                let values: Option<Vec<String>> = clause.values.as_ref().and_then(|words| {
                    words
                        .iter()
                        .map(|word| Some(self.expand(&word.value)).filter(|v| !v.contains(UNKNOWN)))
                        .collect()
                });
                self.enter_loop(polling);
                match values {
                    Some(values) if values.len() <= MAX_ITERATIONS && !values.is_empty() && !self.spent() => {
                        for value in values {
                            self.vars.insert(clause.variable_name.clone(), value);
                            self.list(&clause.body.list, background);
                        }
                    }
                    _ => {
                        self.vars.remove(&clause.variable_name);
                        self.list(&clause.body.list, background);
                    }
                }
                self.leave_loop(polling);
            }
            CompoundCommand::ArithmeticForClause(clause) => {
                let polling = breaks_out(&clause.body.list);
                self.enter_loop(polling);
                self.list(&clause.body.list, background);
                self.leave_loop(polling);
            }
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                // A loop that tests a real condition, or breaks out on one, waits for something.
                let polling = !trivially_true(&clause.0) || breaks_out(&clause.1.list);
                self.enter_loop(polling);
                self.list(&clause.0, background);
                self.list(&clause.1.list, background);
                self.leave_loop(polling);
            }
            CompoundCommand::Arithmetic(..) | CompoundCommand::Coprocess(..) => {}
        }
    }

    /// True when the step budget is spent, so the next loop is walked once; the walk remembers
    /// where it was first cut (the last command it walked).
    fn spent(&mut self) -> bool {
        if self.step < MAX_STEPS {
            return false;
        }
        self.script.cut.get_or_insert(self.at);
        true
    }

    /// A polling loop is a readiness wait: what was started before it is waited for.
    fn enter_loop(&mut self, polling: bool) {
        if polling {
            self.polling += 1;
            self.ready();
        }
    }

    fn leave_loop(&mut self, polling: bool) {
        if polling {
            self.polling -= 1;
        }
    }

    fn ready(&mut self) {
        self.pending.clear();
        self.slept = None;
    }

    fn simple(&mut self, simple: &'a ast::SimpleCommand, background: bool) {
        let items: Vec<&CommandPrefixOrSuffixItem> = simple
            .prefix
            .iter()
            .flat_map(|prefix| &prefix.0)
            .chain(simple.suffix.iter().flat_map(|suffix| &suffix.0))
            .collect();
        for item in &items {
            if let CommandPrefixOrSuffixItem::IoRedirect(redirect) = item {
                self.redirect_paths(redirect);
            }
        }
        let Some(word) = &simple.word_or_name else {
            // Only assignments: `name=value`.
            for item in &items {
                if let CommandPrefixOrSuffixItem::AssignmentWord(assignment, _) = item {
                    self.assign(assignment);
                }
            }
            return;
        };
        let at = pos_of(word.loc.as_ref());
        self.at = at;
        self.step += 1;
        let name = self.expand(&word.value);
        let mut args = Vec::new();
        let mut arg_positions = Vec::new();
        for item in simple.suffix.iter().flat_map(|suffix| &suffix.0) {
            match item {
                CommandPrefixOrSuffixItem::Word(word) => {
                    args.push(self.expand(&word.value));
                    arg_positions.push(pos_of(word.loc.as_ref()));
                }
                CommandPrefixOrSuffixItem::AssignmentWord(assignment, word) => {
                    if matches!(
                        name.as_str(),
                        "local" | "export" | "declare" | "readonly" | "typeset"
                    ) {
                        self.assign(assignment);
                    }
                    args.push(self.expand(&word.value));
                    arg_positions.push(pos_of(word.loc.as_ref()));
                }
                _ => {}
            }
        }
        for (arg, at) in args.iter().zip(&arg_positions) {
            self.paths_in(arg, *at);
        }
        self.heredocs(&items);
        // `nohup nats-server ...` and the like start what follows them.
        let mut name = name;
        while matches!(name.as_str(), "nohup" | "setsid" | "exec" | "command") && !args.is_empty() {
            name = args.remove(0);
        }
        let base = name.rsplit('/').next().unwrap_or(&name);
        if let Some(body) = self.functions.get(name.as_str()).copied() {
            self.call(body, args, background);
            return;
        }
        if !name.contains(UNKNOWN) {
            self.script.commands.push((name.clone(), at));
        }
        if background {
            self.last_background = None;
        }
        match base {
            "nats-server" if args.iter().any(|a| a == "--signal" || a == "-sl") => self.stop_all(),
            "kill" | "pkill" | "killall" => self.kill(simple),
            "nats-server" if !args.iter().any(|a| is_info_flag(a)) => {
                if background {
                    if self.pending.is_empty() {
                        self.slept = None;
                    }
                    self.pending.push(at);
                }
                if background {
                    self.last_background = Some(self.script.servers.len());
                }
                if self.script.servers.len() >= MAX_SERVERS {
                    self.script.cut.get_or_insert(at);
                    return;
                }
                self.script.servers.push(ServerStart {
                    at,
                    background,
                    args,
                    files: self.files.clone(),
                    alive: self.step..usize::MAX,
                });
            }
            "sleep" => {
                let polling = self.polling > 0;
                if !polling {
                    self.slept = Some(at);
                }
                self.script.sleeps.push(Sleep {
                    at,
                    duration: args.join(" ").replace(UNKNOWN, "…"),
                    polling,
                });
            }
            "curl"
                if args
                    .iter()
                    .any(|a| a == "--retry-connrefused" || a == "--retry-all-errors") =>
            {
                self.ready();
            }
            "nats" | "curl" if !self.pending.is_empty() && self.polling == 0 => {
                self.script.early_uses.push(EarlyUse {
                    at,
                    command: base.to_string(),
                    servers: std::mem::take(&mut self.pending),
                    sleep: self.slept.take(),
                });
            }
            _ => {}
        }
    }

    /// Walks a function's body with `args` as its positional parameters.
    fn call(&mut self, body: &'a ast::FunctionBody, args: Vec<String>, background: bool) {
        if self.depth >= MAX_CALL_DEPTH || (self.spent() && !self.called.insert(body as *const _)) {
            return;
        }
        let saved = self.vars.clone();
        for index in 1..10 {
            self.vars.remove(&index.to_string());
        }
        for (index, arg) in args.into_iter().enumerate() {
            if !arg.contains(UNKNOWN) {
                self.vars.insert((index + 1).to_string(), arg);
            }
        }
        self.depth += 1;
        self.compound(&body.0, background);
        self.depth -= 1;
        self.vars = saved;
    }

    /// Stops the servers a `kill` names through their pid variables; every running server when
    /// it names none the walker knows (`kill %1`, `pkill nats-server`, a computed pid).
    fn kill(&mut self, simple: &ast::SimpleCommand) {
        let raw: Vec<&str> = simple
            .suffix
            .iter()
            .flat_map(|suffix| &suffix.0)
            .filter_map(|item| match item {
                CommandPrefixOrSuffixItem::Word(word) => Some(word.value.as_str()),
                _ => None,
            })
            .collect();
        let named: Vec<Option<usize>> = self
            .pids
            .iter()
            .filter(|(name, _)| raw.iter().any(|word| references(word, name)))
            .map(|(_, server)| *server)
            .collect();
        if named.is_empty() {
            self.stop_all();
        }
        for server in named.into_iter().flatten() {
            self.stop(server);
        }
    }

    fn stop_all(&mut self) {
        for index in 0..self.script.servers.len() {
            self.stop(index);
        }
    }

    fn stop(&mut self, index: usize) {
        let alive = &mut self.script.servers[index].alive;
        if alive.end == usize::MAX {
            alive.end = self.step;
        }
    }

    fn assign(&mut self, assignment: &ast::Assignment) {
        let ast::AssignmentName::VariableName(name) = &assignment.name else {
            return;
        };
        if let ast::AssignmentValue::Scalar(word) = &assignment.value
            && word.value.trim_matches('"') == "$!"
        {
            self.pids.insert(name.clone(), self.last_background);
        }
        match &assignment.value {
            ast::AssignmentValue::Scalar(word) => {
                let value = self.expand(&word.value);
                if value.contains(UNKNOWN) {
                    self.vars.remove(name);
                } else {
                    self.vars.insert(name.clone(), value);
                }
            }
            ast::AssignmentValue::Array(_) => {
                self.vars.remove(name);
            }
        }
    }

    /// Records the files written from heredocs by this command (`cat > f <<EOF`, `cat <<EOF > f`).
    fn heredocs(&mut self, items: &[&'a CommandPrefixOrSuffixItem]) {
        let target = items.iter().find_map(|item| match item {
            CommandPrefixOrSuffixItem::IoRedirect(IoRedirect::File(
                None | Some(1),
                IoFileRedirectKind::Write | IoFileRedirectKind::Append | IoFileRedirectKind::Clobber,
                IoFileRedirectTarget::Filename(word),
            )) => Some(self.expand(&word.value)),
            _ => None,
        });
        for item in items {
            let CommandPrefixOrSuffixItem::IoRedirect(IoRedirect::HereDocument(_, doc)) = item else {
                continue;
            };
            let first_line = pos_of(doc.doc.loc.as_ref()).line;
            let text = if doc.requires_expansion {
                self.expand_heredoc(&doc.doc.value)
            } else {
                doc.doc.value.clone()
            };
            let text = if doc.remove_tabs {
                text.lines()
                    .map(|line| line.trim_start_matches('\t'))
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                text
            };
            for (index, line) in text.lines().enumerate() {
                self.paths_in(
                    line,
                    Pos {
                        line: first_line + index,
                        column: 1,
                    },
                );
            }
            if let Some(name) = &target {
                let name = name.trim_start_matches("./").to_string();
                self.files.insert(
                    name.clone(),
                    WrittenFile {
                        name,
                        text,
                        first_line,
                    },
                );
            }
        }
    }

    fn redirect_paths(&mut self, redirect: &IoRedirect) {
        if let IoRedirect::File(_, _, IoFileRedirectTarget::Filename(word)) = redirect {
            let path = self.expand(&word.value);
            self.paths_in(&path, pos_of(word.loc.as_ref()));
        }
    }

    /// Records the absolute paths outside the work dir in `text`, found at `at`.
    fn paths_in(&mut self, text: &str, at: Pos) {
        for path in outside_paths(text) {
            self.script.paths.push(AbsolutePath {
                at,
                path: path.replace(UNKNOWN, "…"),
            });
        }
    }

    /// The value of a shell word: quotes removed, known variables substituted, the rest
    /// [`UNKNOWN`].
    fn expand(&self, raw: &str) -> String {
        self.substitute(raw, false)
    }

    /// The text of an expanding heredoc: variables substituted, quotes kept.
    fn expand_heredoc(&self, raw: &str) -> String {
        self.substitute(raw, true)
    }

    fn substitute(&self, raw: &str, heredoc: bool) -> String {
        let chars: Vec<char> = raw.chars().collect();
        let mut out = String::new();
        let mut double = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '\'' if !heredoc && !double => {
                    i += 1;
                    while i < chars.len() && chars[i] != '\'' {
                        out.push(chars[i]);
                        i += 1;
                    }
                    i += 1;
                }
                '"' if !heredoc => {
                    double = !double;
                    i += 1;
                }
                '\\' if i + 1 < chars.len() => {
                    let next = chars[i + 1];
                    let escapes = if heredoc || double {
                        matches!(next, '$' | '`' | '\\' | '"' | '\n')
                    } else {
                        true
                    };
                    if escapes {
                        if next != '\n' {
                            out.push(next);
                        }
                    } else {
                        out.push('\\');
                        out.push(next);
                    }
                    i += 2;
                }
                '`' => {
                    i += 1;
                    while i < chars.len() && chars[i] != '`' {
                        i += 1;
                    }
                    i += 1;
                    out.push(UNKNOWN);
                }
                '$' if i + 1 < chars.len() => {
                    let next = chars[i + 1];
                    if next == '(' {
                        i = skip_balanced(&chars, i + 1, '(', ')');
                        out.push(UNKNOWN);
                    } else if next == '{' {
                        let end = skip_balanced(&chars, i + 1, '{', '}');
                        let inner: String = chars[i + 2..end.saturating_sub(1).max(i + 2)].iter().collect();
                        match self.vars.get(&inner) {
                            Some(value) => out.push_str(value),
                            None => out.push(UNKNOWN),
                        }
                        i = end;
                    } else if next.is_ascii_digit() {
                        match self.vars.get(&next.to_string()) {
                            Some(value) => out.push_str(value),
                            None => out.push(UNKNOWN),
                        }
                        i += 2;
                    } else if next.is_ascii_alphabetic() || next == '_' {
                        let start = i + 1;
                        let mut end = start;
                        while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_') {
                            end += 1;
                        }
                        let name: String = chars[start..end].iter().collect();
                        match self.vars.get(&name) {
                            Some(value) => out.push_str(value),
                            None => out.push(UNKNOWN),
                        }
                        i = end;
                    } else if matches!(next, '@' | '*' | '#' | '?' | '$' | '!' | '-') {
                        out.push(UNKNOWN);
                        i += 2;
                    } else {
                        out.push('$');
                        i += 1;
                    }
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        out
    }
}

/// True when the raw shell word `word` reads the variable `name` (`$name`, `${name}`).
fn references(word: &str, name: &str) -> bool {
    if word.contains(&format!("${{{name}}}")) {
        return true;
    }
    let needle = format!("${name}");
    word.match_indices(&needle).any(|(at, _)| {
        word[at + needle.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// The index after the bracket closing the one at `open_at`.
fn skip_balanced(chars: &[char], open_at: usize, open: char, close: char) -> usize {
    let mut depth = 0;
    let mut i = open_at;
    while i < chars.len() {
        if chars[i] == open {
            depth += 1;
        } else if chars[i] == close {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
        i += 1;
    }
    chars.len()
}

/// `--version`, `--help` and the like: the command prints something and starts no server.
fn is_info_flag(arg: &str) -> bool {
    matches!(
        arg,
        "-v" | "--version" | "-version" | "-h" | "--help" | "-help" | "--help_tls"
    )
}

fn pos_of(span: Option<&brush_parser::SourceSpan>) -> Pos {
    span.map_or_else(Pos::default, |span| Pos {
        line: span.start.line,
        column: span.start.column,
    })
}

/// True when a loop condition always holds: `while true`, `while :`.
fn trivially_true(condition: &CompoundList) -> bool {
    let [item] = condition.0.as_slice() else {
        return false;
    };
    if !item.0.additional.is_empty() {
        return false;
    }
    matches!(item.0.first.seq.as_slice(), [Command::Simple(simple)]
        if simple.suffix.is_none()
            && simple.word_or_name.as_ref().is_some_and(|w| w.value == "true" || w.value == ":"))
}

/// True when a loop body leaves the loop on a condition: it holds a `break` or a `return`
/// (outside nested function definitions), so the loop waits for something.
fn breaks_out(list: &CompoundList) -> bool {
    leaves(list, true)
}

/// True when `list` holds a `return`, or a `break` when `breaks` (a `break` in a nested loop
/// leaves only that loop, so it does not count there; a `return` leaves them all).
fn leaves(list: &CompoundList, breaks: bool) -> bool {
    list.0.iter().any(|item| {
        std::iter::once(&item.0.first)
            .chain(item.0.additional.iter().map(|next| {
                let (ast::AndOr::And(pipeline) | ast::AndOr::Or(pipeline)) = next;
                pipeline
            }))
            .flat_map(|pipeline| &pipeline.seq)
            .any(|command| command_leaves(command, breaks))
    })
}

fn command_leaves(command: &Command, breaks: bool) -> bool {
    match command {
        Command::Simple(simple) => simple
            .word_or_name
            .as_ref()
            .is_some_and(|word| word.value == "return" || (breaks && word.value == "break")),
        Command::Compound(compound, _) => match compound {
            CompoundCommand::BraceGroup(group) => leaves(&group.list, breaks),
            CompoundCommand::IfClause(clause) => {
                leaves(&clause.then, breaks)
                    || clause
                        .elses
                        .iter()
                        .flatten()
                        .any(|other| leaves(&other.body, breaks))
            }
            CompoundCommand::CaseClause(clause) => clause
                .cases
                .iter()
                .any(|case| case.cmd.as_ref().is_some_and(|list| leaves(list, breaks))),
            CompoundCommand::ForClause(clause) => leaves(&clause.body.list, false),
            CompoundCommand::ArithmeticForClause(clause) => leaves(&clause.body.list, false),
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                leaves(&clause.1.list, false)
            }
            // A subshell's `break` or `return` leaves only the subshell.
            CompoundCommand::Subshell(_) | CompoundCommand::Arithmetic(_) | CompoundCommand::Coprocess(_) => {
                false
            }
        },
        Command::Function(_) | Command::ExtendedTest(..) => false,
    }
}

/// The directories whose paths depend on the machine or are shared by parallel runs.
const OUTSIDE: [&str; 9] = ["tmp", "var", "root", "home", "opt", "mnt", "media", "srv", "run"];

/// The absolute paths under [`OUTSIDE`] directories in `text`: at the start of a word, or after
/// `=`, `:` (not `://`), a quote, `(` or `,`.
fn outside_paths(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    for (index, _) in text.match_indices('/') {
        let boundary = index == 0
            || matches!(
                bytes[index - 1],
                b' ' | b'\t' | b'=' | b'"' | b'\'' | b'(' | b',' | b'['
            )
            || (bytes[index - 1] == b':' && bytes.get(index + 1) != Some(&b'/'));
        if !boundary {
            continue;
        }
        let rest = &text[index + 1..];
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | ',' | ';' | ']' | '}'))
            .unwrap_or(rest.len());
        let path = &rest[..end];
        let top = path.split('/').next().unwrap_or_default();
        if OUTSIDE.contains(&top) {
            found.push(format!("/{path}"));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heredoc_files_follow_functions_loops_and_variables() {
        let script = analyse(
            "write() {\n  local name=$1 n=$2\n  cat > \"$name.conf\" <<CONF\nport: 422$n\nstore_dir: \"./data/$name\"\nCONF\n}\nwrite a 1\nwrite b 2\nfor s in a b; do\n  nats-server -c \"$s.conf\" &\ndone\n",
        )
        .unwrap();
        assert_eq!(script.servers.len(), 2);
        let b = &script.servers[1];
        assert_eq!(b.args, ["-c", "b.conf"]);
        assert!(b.background);
        assert_eq!(b.at.line, 11);
        let file = &b.files["b.conf"];
        assert_eq!(file.text, "port: 4222\nstore_dir: \"./data/b\"\n");
        assert_eq!(file.first_line, 4);
    }

    #[test]
    fn case_selects_its_branch_and_unknown_branches_forget_what_they_set() {
        // A known value picks one branch: each loop pass sets its own port.
        let script = analyse(
            "for s in a b; do\n  case $s in\n    a) n=1 ;;\n    b) n=2 ;;\n  esac\n  nats-server -p 422$n &\ndone\n",
        )
        .unwrap();
        let args: Vec<&str> = script.servers.iter().map(|s| s.args[1].as_str()).collect();
        assert_eq!(args, ["4221", "4222"]);
        // An unknown value, or an `if`, may have taken any branch: the port is not known.
        for source in [
            "case $1 in\n  a) n=1 ;;\n  *) n=2 ;;\nesac\nnats-server -p 422$n &\n",
            "n=1\nif [ -e x ]; then n=2; fi\nnats-server -p 422$n &\n",
        ] {
            let script = analyse(source).unwrap();
            assert!(script.servers[0].args[1].contains(UNKNOWN), "{source}");
        }
        // Branches that agree keep what they agree on.
        let script = analyse("if [ -e x ]; then n=1; else n=1; fi\nnats-server -p 422$n &\n").unwrap();
        assert_eq!(script.servers[0].args[1], "4221");
    }

    #[test]
    fn sleeps_in_loops_that_break_are_polls() {
        let script = analyse(
            "nats-server -js &\nsleep 1\nfor i in $(seq 1 10); do\n  curl -fs localhost:8222/healthz && break\n  sleep 0.2\ndone\nuntil nats server check connection; do sleep 0.1; done\nwhile true; do sleep 5; done\n",
        )
        .unwrap();
        let polls: Vec<(usize, bool)> = script.sleeps.iter().map(|s| (s.at.line, s.polling)).collect();
        assert_eq!(polls, [(2, false), (5, true), (7, true), (8, false)]);
        assert!(script.early_uses.is_empty(), "{:?}", script.early_uses);
    }

    #[test]
    fn a_break_counts_for_its_own_loop_and_a_return_for_every_loop() {
        let script = analyse(
            "for a in 1 2; do\n  for b in 1 2; do break; done\n  sleep 1\ndone\nf() {\n  for a in 1 2; do\n    for b in 1 2; do return; done\n    sleep 1\n  done\n}\nf\n",
        )
        .unwrap();
        let polls: Vec<(usize, bool)> = script.sleeps.iter().map(|s| (s.at.line, s.polling)).collect();
        assert_eq!(polls, [(3, false), (8, true)]);
    }

    #[test]
    fn wrappers_start_what_follows_them() {
        let script = analyse("nohup nats-server -js &\nsetsid ./bin/nats-server -p 4223 &\n").unwrap();
        let args: Vec<&[String]> = script.servers.iter().map(|s| s.args.as_slice()).collect();
        assert_eq!(
            args,
            [
                &["-js".to_string()][..],
                &["-p".to_string(), "4223".to_string()][..]
            ]
        );
    }

    #[test]
    fn a_killed_server_stops_running() {
        let script = analyse(
            "nats-server -p 1 &\nfirst=$!\nnats sub x &\nsub=$!\nkill \"$sub\"\nnats-server -p 2 &\nkill $first\nnats-server -p 3 &\nkill %1\nnats-server -p 4 &\n",
        )
        .unwrap();
        let [one, two, three, four] = script.servers.as_slice() else {
            panic!("{:?}", script.servers);
        };
        let overlaps = |a: &ServerStart, b: &ServerStart| overlap(&a.alive, &b.alive);
        assert!(overlaps(one, two), "killing the subscriber stops no server");
        assert!(!overlaps(one, three), "killed through its pid");
        assert!(overlaps(two, three));
        assert!(
            !overlaps(two, four) && !overlaps(three, four),
            "an unattributed kill stops them all"
        );
    }

    #[test]
    fn a_server_used_after_only_a_sleep_is_an_early_use() {
        let script = analyse("nats-server -p 4222 &\nsleep 1\nnats pub x y\nnats pub x z\n").unwrap();
        assert_eq!(script.early_uses.len(), 1);
        let early = &script.early_uses[0];
        assert_eq!((early.at.line, early.servers[0].line), (3, 1));
        assert_eq!(early.sleep.map(|s| s.line), Some(2));
    }

    #[test]
    fn absolute_paths_outside_the_work_dir_are_found() {
        assert_eq!(outside_paths("store_dir: /tmp/js"), ["/tmp/js"]);
        assert_eq!(outside_paths("--store_dir=/home/me/x"), ["/home/me/x"]);
        assert!(outside_paths("> /dev/null http://127.0.0.1:8222/tmp ./tmp/x /usr/bin/env").is_empty());
        let script =
            analyse("#!/usr/bin/env bash\necho hi > /tmp/out\ncat <<EOF\nstore_dir: '/root/js'\nEOF\n")
                .unwrap();
        let found: Vec<(usize, &str)> = script
            .paths
            .iter()
            .map(|p| (p.at.line, p.path.as_str()))
            .collect();
        assert_eq!(found, [(2, "/tmp/out"), (4, "/root/js")]);
    }

    #[test]
    fn deep_nesting_is_an_error_at_its_line_not_a_crash() {
        let ifs = format!(
            "{}echo hi\n{}",
            "if true; then\n".repeat(2000),
            "fi\n".repeat(2000)
        );
        let subs = format!("echo {}x{}\n", "$(".repeat(50_000), ")".repeat(50_000));
        let defaults = format!("echo \"{}x{}\"\n", "${x:-".repeat(20_000), "}".repeat(20_000));
        let cases = format!(
            "{}echo hi\n{}",
            "case $1 in a)\n".repeat(200),
            ";; esac\n".repeat(200)
        );
        for (source, line) in [
            (&ifs, MAX_NESTING + 1),
            (&subs, 1),
            (&defaults, 1),
            (&cases, MAX_NESTING + 1),
        ] {
            let err = analyse(source).unwrap_err();
            assert_eq!(err.at, Some(Pos { line, column: 1 }), "{}", err.message);
            assert!(
                err.message.contains("more than 100 constructs"),
                "{}",
                err.message
            );
        }
        // Brackets in quotes, comments and heredocs do not count; nesting just below the bound parses.
        let quoted = format!(
            "# {0}\necho '{0}'\ncat <<'EOF'\n{0}\nEOF\n{1}echo hi\n{2}",
            "(".repeat(500),
            "if true; then\n".repeat(MAX_NESTING - 1),
            "fi\n".repeat(MAX_NESTING - 1)
        );
        analyse(&quoted).unwrap();
    }

    #[test]
    fn nested_loops_are_walked_within_a_budget() {
        let words: Vec<String> = (0..64).map(|n| n.to_string()).collect();
        let loops: String = (0..4)
            .map(|n| format!("for v{n} in {}; do\n", words.join(" ")))
            .collect();
        let source = format!("{loops}nats-server -p 4222 &\nf\n{}", "done\n".repeat(4));
        let script = analyse(&format!("f() {{\n  echo $1\n}}\n{source}")).unwrap();
        assert_eq!(script.servers.len(), MAX_SERVERS);
        assert_eq!(script.cut, Some(Pos { line: 8, column: 1 }));
        // A script within the budget is walked whole.
        let small = analyse("for a in 1 2; do\n  nats-server -p 422$a &\ndone\n").unwrap();
        assert_eq!((small.servers.len(), small.cut), (2, None));
    }

    #[test]
    fn every_shipped_script_parses() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut parsed = 0;
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.unwrap();
            if entry.file_name() == "main.sh" {
                let source = std::fs::read_to_string(entry.path()).unwrap();
                if let Err(err) = analyse(&source) {
                    panic!("{}: {}", entry.path().display(), err.message);
                }
                parsed += 1;
            }
        }
        assert!(parsed >= 18, "{parsed}");
    }
}
