//! Containment: what a contributed example can reach of the machine that runs it. Each test plays
//! the hostile contributor, tries the attack through the real binary, and fails if it works.
//! Namespaces are asked for explicitly: without them nothing is contained, as README says.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::clients::{PROGRAMS, repo_with_defaults};
use crate::harness::{Repo, bare_nbe_in, eventually, processes_of_steps_of, tools_dir};

/// A repository outside `/tmp` with a tools dir of its own (links to the real tools), so a run
/// finds the repository's root the way an attacker would: `${PATH%%/.tools/bin*}`.
fn repo_with_tools() -> Repo {
    let repo = Repo::outside_tmp();
    let tools = tools_dir();
    for name in ["nats-server", "nats"] {
        repo.symlink(&format!(".tools/bin/{name}"), tools.join(name));
    }
    repo
}

/// The script of a client that tries to write each of `targets`, and to read `secret`, printing
/// what it managed; it also shows that its own temp dir, `/tmp` and `/dev/shm` stay writable.
fn attack(targets: &[&Path], secret: &Path) -> String {
    let mut script = String::from(
        "#!/usr/bin/env bash\n# Try to change what lies outside the run.\nroot=${PATH%%/.tools/bin*}\n",
    );
    script.push_str("for target in \"$root/examples/c/other/cli/output.txt\" \"$root/snapshots/c/other/cli.snap\" \"$root/planted\"");
    for target in targets {
        script.push_str(&format!(" '{}'", target.display()));
    }
    script.push_str(
        "; do\n  if (echo hacked >> \"$target\") 2>/dev/null; then echo \"wrote $target\"; else echo \"kept $target\"; fi\ndone\n",
    );
    script.push_str(&format!(
        "if cat '{}' 2>/dev/null; then echo 'read the secret'; else echo 'the secret is out of sight'; fi\n",
        secret.display()
    ));
    script.push_str(
        "echo mine > \"$HOME/x\" && echo mine > /tmp/x && echo mine > work.txt && echo mine > /dev/shm/x && echo 'its own dirs are writable'\n",
    );
    script
}

#[test]
fn a_run_sees_the_host_read_only_and_the_callers_home_not_at_all() {
    let repo = repo_with_tools();
    repo.write("examples/c/other/cli/main.sh", "echo other\n")
        .write("examples/c/other/cli/output.txt", "other\n")
        .write("snapshots/c/other/cli.snap", "untouched\n");
    // The caller's HOME, with a secret in it; the cache; a copy of nbe in a directory of its own.
    let outside = crate::harness::shared_with_runs();
    let home = outside.path().join("home");
    let cache = outside.path().join("cache");
    let programs = outside.path().join("programs");
    for dir in [&home, &cache.join("products/c/build/k"), &programs] {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(home.join("secret"), "the caller's token\n").unwrap();
    std::fs::write(cache.join("products/c/build/k/client"), "a product\n").unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_nbe"), programs.join("nbe")).unwrap();
    let targets = [
        home.join("planted"),
        cache.join("products/c/build/k/client"),
        programs.join("planted"),
    ];
    let targets: Vec<&Path> = targets.iter().map(|p| p.as_path()).collect();
    repo.script("c/e", &attack(&targets, &home.join("secret")));
    let tools = repo.path(".tools/bin");
    let outcome = bare_nbe_in(repo.root())
        .args([
            "--isolation",
            "namespace",
            "--tools-dir",
            tools.to_str().unwrap(),
            "run",
            "c/e/cli",
        ])
        .env("HOME", home.to_str().unwrap())
        .env("NBE_CACHE_DIR", cache.to_str().unwrap())
        .run_copy_at(&programs.join("nbe"))
        .run()
        .code(0)
        .stdout_lacks("wrote ")
        .stdout_lacks("read the secret")
        .stdout_has("the secret is out of sight")
        .stdout_has("its own dirs are writable");
    assert_eq!(outcome.stdout.matches("kept ").count(), 6, "{}", outcome.stdout);
    assert_eq!(repo.read("examples/c/other/cli/output.txt"), "other\n");
    assert_eq!(repo.read("snapshots/c/other/cli.snap"), "untouched\n");
    assert!(!repo.exists("planted"));
    assert_eq!(
        std::fs::read_to_string(cache.join("products/c/build/k/client")).unwrap(),
        "a product\n"
    );
    for planted in [home.join("planted"), programs.join("planted")] {
        assert!(!planted.exists(), "{} was written", planted.display());
    }
}

/// The one product directory of `kind`'s `step` in `cache`.
#[track_caller]
fn only_product(cache: &Path, kind: &str, step: &str) -> std::path::PathBuf {
    let dir = cache.join("products").join(kind).join(step);
    let products: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(products.len(), 1, "{products:?}");
    products.into_iter().next().unwrap()
}

/// A repository with the C client `talk/greet/c`, and a cache of its own.
fn c_client() -> (Repo, tempfile::TempDir) {
    let repo = repo_with_defaults();
    repo.write("examples/talk/greet/c/main.c", PROGRAMS[6].2);
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    (repo, cache)
}

#[test]
fn a_damaged_product_is_built_again_never_run() {
    let (repo, cache) = c_client();
    let run = || {
        repo.nbe(["run", "talk/greet/c"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .run()
            .code(0)
            .stdout_has("c received: hello from c");
    };
    run();
    let product = only_product(cache.path(), "c", "build");
    let client = product.join("client");
    let whole = std::fs::read(&client).unwrap();
    // Truncated: run as it is, it would crash.
    std::fs::write(&client, &whole[..whole.len() / 2]).unwrap();
    run();
    assert_eq!(std::fs::read(&client).unwrap().len(), whole.len());
    // Deleted: run as it is, every later run would end with 127.
    std::fs::remove_file(&client).unwrap();
    run();
    assert!(client.is_file());
    // Replaced by another program of the same size.
    let mut other = whole.clone();
    let middle = other.len() / 2;
    other[middle] ^= 0xff;
    std::fs::write(&client, &other).unwrap();
    run();
    assert_eq!(std::fs::read(&client).unwrap().len(), whole.len());
    assert_ne!(std::fs::read(&client).unwrap(), other);
}

#[test]
fn an_unchanged_client_never_builds_again() {
    let (repo, cache) = c_client();
    let run = || {
        repo.nbe(["run", "talk/greet/c"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .run()
            .code(0)
            .stdout_has("c received: hello from c");
    };
    run();
    let product = only_product(cache.path(), "c", "build");
    let modified = |path: &Path| std::fs::metadata(path).unwrap().modified().unwrap();
    let (stamp, client) = (product.join(".nbe-ready"), product.join("client"));
    let before = (modified(&stamp), modified(&client));
    run();
    assert_eq!(only_product(cache.path(), "c", "build"), product);
    assert_eq!(
        (modified(&stamp), modified(&client)),
        before,
        "the product was made again"
    );
}

/// The caller's HOME of a test, with a secret in it, where runs and steps could reach it.
fn home_with_secret() -> tempfile::TempDir {
    let home = crate::harness::shared_with_runs();
    std::fs::write(home.path().join("secret"), "the caller's token\n").unwrap();
    home
}

#[test]
fn a_c_build_cannot_embed_a_file_of_the_callers_home() {
    let (repo, cache) = c_client();
    let home = home_with_secret();
    let secret = home.path().join("secret");
    repo.write(
        "examples/talk/greet/c/main.c",
        &format!(
            "#include <stdio.h>\n\n// The assembler copies a file of the machine into the program.\n__asm__(\".section .rodata\\n.global secret\\nsecret:\\n.incbin \\\"{}\\\"\\n.byte 0\\n.text\\n\");\nextern const char secret[];\n\nint main(void) {{\n    printf(\"%s\", secret);\n    return 0;\n}}\n",
            secret.display()
        ),
    );
    let outcome = repo
        .nbe(["--isolation", "namespace", "run", "talk/greet/c"])
        .env("HOME", home.path().to_str().unwrap())
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .run()
        .code(1)
        .stderr_has("talk/greet/c did not build");
    assert!(
        !outcome.stdout.contains("token") && !outcome.stderr.contains("token"),
        "{outcome:?}"
    );
}

#[test]
fn a_go_build_cannot_include_a_file_of_the_callers_home_through_cgo() {
    let repo = repo_with_defaults();
    let home = home_with_secret();
    let secret = home.path().join("secret.h");
    std::fs::write(&secret, "\"the caller's token\"\n").unwrap();
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    // A module of its own, needing nothing to download: the build is all there is.
    repo.write("examples/talk/cgo/go/go.mod", "module client\n\ngo 1.22\n")
        .write("examples/talk/cgo/go/go.sum", "")
        .write(
            "examples/talk/cgo/go/main.go",
            &format!(
                "package main\n\n/*\nstatic const char *secret(void) {{\n\treturn\n#include \"{}\"\n\t;\n}}\n*/\nimport \"C\"\n\nimport \"fmt\"\n\nfunc main() {{\n\tfmt.Println(\"built; the secret reads\", C.GoString(C.secret()))\n}}\n",
                secret.display()
            ),
        )
        .write("examples/talk/cgo/meta.yaml", "server: none\n");
    let outcome = repo
        .nbe(["--isolation", "namespace", "run", "talk/cgo/go"])
        .env("HOME", home.path().to_str().unwrap())
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .run()
        .code(1)
        .stderr_has("talk/cgo/go did not build");
    assert!(
        !outcome.stdout.contains("token") && !outcome.stderr.contains("token"),
        "{outcome:?}"
    );
}

#[test]
fn a_java_clients_own_maven_settings_run_none_of_its_code() {
    let repo = repo_with_defaults();
    let marker = crate::harness::marker("maven");
    // Its own pom.xml (nbe's, marked, so it is resolved now and not found made by an earlier run)
    // and .mvn/jvm.config, whose options would run the client's script: the JVM's heap is made
    // too small for Maven, and running out of it runs the script.
    let pom = include_str!("../../clients/java/pom.xml").replacen(
        "<project",
        &format!("<!-- {marker} -->\n<project"),
        1,
    );
    repo.write("examples/talk/maven/java/pom.xml", &pom)
        .write(
            "examples/talk/maven/java/.mvn/jvm.config",
            "-Xmx6m\n-XX:OnOutOfMemoryError=./pwn.sh\n",
        )
        .write(
            "examples/talk/maven/java/pwn.sh",
            "#!/bin/sh\necho the client's code ran > \"$NBE_OUT/pwned\"\n",
        )
        .write(
            "examples/talk/maven/java/Main.java",
            "public class Main {\n    public static void main(String[] args) {\n        boolean ran = new java.io.File(System.getenv(\"NBE_PREPARED\"), \"pwned\").exists();\n        System.out.println(\"the client's code ran in prepare: \" + ran);\n    }\n}\n",
        )
        .write("examples/talk/maven/meta.yaml", "server: none\n");
    std::fs::set_permissions(
        repo.path("examples/talk/maven/java/pwn.sh"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    repo.nbe(["--isolation", "namespace", "run", "talk/maven/java"])
        .run()
        .code(0)
        .stdout_has("the client's code ran in prepare: false");
    // Build extensions in pom.xml would run their code as well: they need hooks declared.
    repo.write(
        "examples/talk/maven/java/pom.xml",
        &pom.replacen(
            "<build>",
            "<build>\n    <extensions>\n      <extension>\n        <groupId>org.apache.maven.wagon</groupId>\n        <artifactId>wagon-ssh</artifactId>\n        <version>3.5.3</version>\n      </extension>\n    </extensions>",
            1,
        ),
    );
    repo.nbe(["--isolation", "namespace", "run", "talk/maven/java"])
        .run()
        .code(1)
        .stderr_has("talk/maven/java did not build")
        .stderr_has("pom.xml loads Maven build extensions")
        .stderr_has("clients: {java: {hooks: true}}");
    // Declared, the client's own .mvn/ counts: the same files that built above now leave Maven
    // out of its small heap (and run the script, contained).
    repo.write("examples/talk/maven/java/pom.xml", &pom).write(
        "examples/talk/maven/meta.yaml",
        "server: none\nclients:\n  java:\n    hooks: true\n",
    );
    repo.nbe(["--isolation", "namespace", "run", "talk/maven/java"])
        .run()
        .code(1)
        .stderr_has("talk/maven/java did not build");
}

#[test]
fn a_node_clients_install_hook_does_not_run() {
    let repo = repo_with_defaults();
    let home = home_with_secret();
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    let planted = home.path().join("planted");
    repo.write(
        "examples/talk/hook/node/package.json",
        &format!(
            "{{\"name\": \"hook\", \"version\": \"1.0.0\", \"scripts\": {{\"postinstall\": \"touch '{}'; touch \\\"$NBE_OUT/hook-ran\\\"\"}}}}\n",
            planted.display()
        ),
    )
    .write(
        "examples/talk/hook/node/package-lock.json",
        "{\"name\": \"hook\", \"version\": \"1.0.0\", \"lockfileVersion\": 3, \"requires\": true, \"packages\": {\"\": {\"name\": \"hook\", \"version\": \"1.0.0\", \"hasInstallScript\": true}}}\n",
    )
    .write("examples/talk/hook/node/main.js", "console.log(\"the program ran\");\n")
    .write("examples/talk/hook/meta.yaml", "server: none\n");
    repo.nbe(["--isolation", "namespace", "run", "talk/hook/node"])
        .env("HOME", home.path().to_str().unwrap())
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .run()
        .code(0)
        .stdout_has("the program ran");
    assert!(!planted.exists(), "the hook wrote the caller's HOME");
    let product = only_product(cache.path(), "node", "prepare");
    assert!(!product.join("hook-ran").exists(), "the hook ran");
}

/// A token a CI keeps in the environment of the nbe it runs, and its value.
const CI_TOKEN: (&str, &str) = ("NBE_IT_CI_TOKEN", "the CI's token");

/// A build script that tries to write `PLANTED`, read `SECRET` and `TOKEN` (a file and a
/// variable) and reach a server on the host's loopback at `PORT`, and hands what it got to the
/// program it builds.
const HOSTILE_BUILD_SCRIPT: &str = r#"use std::net::TcpStream;

fn main() {
    for target in PLANTED {
        let _ = std::fs::write(target, "planted");
    }
    let secret = std::fs::read_to_string(SECRET).unwrap_or_default();
    println!("cargo:rustc-env=SECRET={}", secret.trim());
    let token = std::env::var(TOKEN).unwrap_or_default();
    println!("cargo:rustc-env=TOKEN={token}");
    let reached = TcpStream::connect(("127.0.0.1", PORT)).is_ok();
    println!("cargo:rustc-env=REACHED={reached}");
}
"#;

#[test]
fn a_rust_build_script_cannot_write_outside_its_build_read_the_callers_secrets_nor_reach_the_network() {
    let repo = Repo::new();
    let home = home_with_secret();
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    let outside = crate::harness::shared_with_runs();
    let targets = [home.path().join("planted"), outside.path().join("planted")];
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    server.set_nonblocking(true).unwrap();
    let script = HOSTILE_BUILD_SCRIPT
        .replace("PLANTED", &format!("{targets:?}"))
        .replace("SECRET)", &format!("{:?})", home.path().join("secret")))
        .replace("(TOKEN)", &format!("({:?})", CI_TOKEN.0))
        .replace("PORT", &server.local_addr().unwrap().port().to_string());
    repo.write(
        "examples/talk/build/rust/Cargo.toml",
        "[package]\nname = \"client\"\nversion = \"0.1.0\"\nedition = \"2021\"\nbuild = \"build.rs\"\n\n[[bin]]\nname = \"client\"\npath = \"main.rs\"\n",
    )
    .write(
        "examples/talk/build/rust/Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"client\"\nversion = \"0.1.0\"\n",
    )
    .write("examples/talk/build/rust/build.rs", &script)
    .write(
        "examples/talk/build/rust/main.rs",
        "fn main() {\n    println!(\"built; the secret reads {:?}\", env!(\"SECRET\"));\n    println!(\"the CI token reads {:?}\", env!(\"TOKEN\"));\n    println!(\"the host's loopback was reached: {}\", env!(\"REACHED\"));\n}\n",
    )
    .write("examples/talk/build/meta.yaml", "server: none\n");
    repo.nbe(["--isolation", "namespace", "run", "talk/build/rust"])
        .env("HOME", home.path().to_str().unwrap())
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .env(CI_TOKEN.0, CI_TOKEN.1)
        .run()
        .code(0)
        .stdout_has("built; the secret reads \"\"")
        .stdout_has("the CI token reads \"\"")
        .stdout_has("the host's loopback was reached: false");
    for target in &targets {
        assert!(!target.exists(), "the build script wrote {}", target.display());
    }
    assert!(server.accept().is_err(), "the build script reached the host");
}

#[test]
fn a_rust_clients_own_cargo_settings_are_not_read_as_it_downloads() {
    let repo = Repo::new();
    // The client's .cargo/config.toml names a registry of its own on the host's loopback (where a
    // registry asking cargo to authenticate would have it run the credential provider the same
    // file names); read in prepare, which has the network, it would be reached.
    let registry = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    registry.set_nonblocking(true).unwrap();
    let index = format!("sparse+http://{}/", registry.local_addr().unwrap());
    repo.write(
        "examples/talk/cargo/rust/.cargo/config.toml",
        &format!("[registries.own]\nindex = \"{index}\"\ncredential-provider = [\"./steal.sh\"]\n"),
    )
    .write(
        "examples/talk/cargo/rust/Cargo.toml",
        "[package]\nname = \"client\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[[bin]]\nname = \"client\"\npath = \"main.rs\"\n\n[dependencies]\nleak = { version = \"1\", registry = \"own\" }\n",
    )
    .write(
        "examples/talk/cargo/rust/Cargo.lock",
        &format!("version = 4\n\n[[package]]\nname = \"client\"\nversion = \"0.1.0\"\ndependencies = [\n \"leak\",\n]\n\n[[package]]\nname = \"leak\"\nversion = \"1.0.0\"\nsource = \"{index}\"\nchecksum = \"{}\"\n", "0".repeat(64)),
    )
    .write("examples/talk/cargo/rust/main.rs", "fn main() {}\n")
    .write("examples/talk/cargo/meta.yaml", "server: none\n");
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    repo.nbe(["--isolation", "namespace", "run", "talk/cargo/rust"])
        .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
        .run()
        .code(1)
        .stderr_has("talk/cargo/rust did not build");
    assert!(
        registry.accept().is_err(),
        "prepare reached the client's own registry"
    );
}

#[test]
fn a_build_dies_with_nbe_and_ctrl_c_during_a_build_ends_with_130() {
    use nix::sys::signal::Signal;
    let repo = repo_with_defaults();
    repo.write("examples/talk/greet/go/main.go", PROGRAMS[0].2);
    // A cache of its own: the build is cold, and takes long enough to be caught at it.
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    let building = |nbe: u32| {
        processes_of_steps_of(nbe)
            .iter()
            .any(|p| p.contains("compile") || p.contains("go build"))
    };
    for signal in [Signal::SIGINT, Signal::SIGKILL] {
        let running = repo
            .nbe(["--isolation", "namespace", "run", "talk/greet/go"])
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .spawn();
        let nbe = running.pid();
        eventually(Duration::from_secs(120), "the build is under way", || {
            building(nbe)
        });
        running.signal(signal);
        let outcome = running.wait();
        if signal == Signal::SIGINT {
            assert_eq!(outcome.code, 130, "{outcome:?}");
            assert!(outcome.stderr.contains("interrupted"), "{outcome:?}");
            assert!(!outcome.stderr.contains("build step"), "{outcome:?}");
        }
        let killed = Instant::now();
        eventually(Duration::from_secs(10), "nothing of the build is left", || {
            processes_of_steps_of(nbe).is_empty()
        });
        assert!(
            killed.elapsed() < Duration::from_secs(1),
            "the build outlived nbe by {:?}",
            killed.elapsed()
        );
    }
}

/// A PEP 517 build backend kept in the package itself (so nothing is fetched to build it), which
/// copies into the package `$HOME/secret` of whoever builds the package (and another program's
/// token in their `XDG_CONFIG_HOME`), the registry settings it
/// finds where uv and npm look for them, and two variables of its environment: a CI's token and
/// one of uv's settings.
const LEAKING_BACKEND: &str = r#"import os
import zipfile

NAME = "leak-0.1"


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel = NAME + "-py3-none-any.whl"
    home = os.environ.get("HOME", "/")
    config = os.environ.get("XDG_CONFIG_HOME", os.path.join(home, ".config"))
    found = (
        read(os.path.join(home, "secret")) + read(os.path.join(config, "gh", "hosts.yml")),
        read(os.path.join(config, "uv", "uv.toml")),
        read(os.path.join(home, ".npmrc")),
        os.environ.get("NBE_IT_CI_TOKEN", ""),
        os.environ.get("UV_HTTP_TIMEOUT", ""),
    )
    files = {
        "leak.py": "SECRET, UV, NPM, TOKEN, TIMEOUT = %r\n" % (found,),
        NAME + ".dist-info/METADATA": "Metadata-Version: 2.1\nName: leak\nVersion: 0.1\n",
        NAME + ".dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: leak\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    files[NAME + ".dist-info/RECORD"] = "".join(name + ",,\n" for name in files) + NAME + ".dist-info/RECORD,,\n"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel
"#;

#[test]
fn a_python_package_is_built_only_when_declared_and_then_cannot_read_the_callers_secrets() {
    let repo = Repo::new();
    let home = home_with_secret();
    // The registry settings the caller keeps in HOME stay readable to the package managers: uv's
    // where XDG_CONFIG_HOME says, npm's a link to a dotfiles dir elsewhere.
    let config = home.path().join("dotconfig");
    std::fs::create_dir_all(config.join("uv")).unwrap();
    std::fs::write(config.join("uv/uv.toml"), "native-tls = false\n").unwrap();
    std::fs::create_dir_all(config.join("gh")).unwrap();
    std::fs::write(config.join("gh/hosts.yml"), "the caller's token\n").unwrap();
    let dotfiles = crate::harness::shared_with_runs();
    std::fs::write(dotfiles.path().join("npmrc"), "fund=false\n").unwrap();
    std::os::unix::fs::symlink(dotfiles.path().join("npmrc"), home.path().join(".npmrc")).unwrap();
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    // The client's own uv.toml tries to turn building back on.
    repo.write("examples/talk/leak/python/requirements.txt", "./leak\n")
        .write(
            "examples/talk/leak/python/uv.toml",
            "[pip]\nno-build = false\nonly-binary = [\":none:\"]\n",
        )
        .write(
            "examples/talk/leak/python/leak/pyproject.toml",
            "[build-system]\nrequires = []\nbuild-backend = \"backend\"\nbackend-path = [\".\"]\n\n[project]\nname = \"leak\"\nversion = \"0.1\"\n",
        )
        .write("examples/talk/leak/python/leak/backend.py", LEAKING_BACKEND)
        .write(
            "examples/talk/leak/python/main.py",
            "import leak\n\nprint(f\"prepared; the secret reads {leak.SECRET!r}, the CI token {leak.TOKEN!r}\")\nprint(f\"the registry settings read {leak.UV!r}, {leak.NPM!r} and {leak.TIMEOUT!r}\")\n",
        )
        .write("examples/talk/leak/meta.yaml", "server: none\n");
    let run = || {
        repo.nbe(["--isolation", "namespace", "run", "talk/leak/python"])
            .env("HOME", home.path().to_str().unwrap())
            .env("XDG_CONFIG_HOME", config.to_str().unwrap())
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .env(CI_TOKEN.0, CI_TOKEN.1)
            .env("UV_HTTP_TIMEOUT", "300")
            .run()
    };
    // Undeclared, the package is never built: wheels only.
    run()
        .code(1)
        .stderr_has("talk/leak/python did not build")
        .stderr_has("nbe installs wheels only")
        .stderr_has("clients: {python: {hooks: true}}");
    repo.write(
        "examples/talk/leak/meta.yaml",
        "server: none\nclients:\n  python:\n    hooks: true\n",
    );
    let outcome = run()
        .code(0)
        .stdout_has("prepared; the secret reads '', the CI token ''")
        .stdout_has("the registry settings read 'native-tls = false', 'fund=false' and '300'");
    for secret in ["the caller's token", CI_TOKEN.1] {
        assert!(
            !outcome.stdout.contains(secret) && !outcome.stderr.contains(secret),
            "{outcome:?}"
        );
    }
}

#[test]
fn a_client_that_declares_hooks_has_its_install_hooks_run_contained() {
    let repo = repo_with_defaults();
    let home = home_with_secret();
    let cache = tempfile::Builder::new()
        .prefix("nbe-it-cache-")
        .tempdir()
        .unwrap();
    let planted = home.path().join("planted");
    // The hook writes into the package's node_modules, which the program reads, and tries the
    // caller's HOME, the cache root, the other kinds' caches and the products beside its own (the
    // one made without hooks), which stay out of reach with hooks on; npm's cache is its own.
    let hook = format!(
        "mkdir -p node_modules && echo the hook ran > node_modules/hook.txt; touch '{}' 2>/dev/null; for dir in \\\"$npm_config_cache\\\"/.. \\\"$npm_config_cache\\\"/../* ../*; do [ \\\"$dir\\\" -ef . ] || touch \\\"$dir/planted\\\" 2>/dev/null; done; true",
        planted.display()
    );
    repo.write(
        "examples/talk/hook/node/package.json",
        &format!(
            "{{\"name\": \"hook\", \"version\": \"1.0.0\", \"scripts\": {{\"postinstall\": \"{hook}\"}}}}\n"
        ),
    )
    .write(
        "examples/talk/hook/node/package-lock.json",
        "{\"name\": \"hook\", \"version\": \"1.0.0\", \"lockfileVersion\": 3, \"requires\": true, \"packages\": {\"\": {\"name\": \"hook\", \"version\": \"1.0.0\", \"hasInstallScript\": true}}}\n",
    )
    .write(
        "examples/talk/hook/node/main.js",
        "const fs = require(\"node:fs\");\n\nconst written = \"node_modules/hook.txt\";\nconsole.log(fs.existsSync(written) ? fs.readFileSync(written, \"utf8\").trim() : \"no hook ran\");\n",
    )
    .write("examples/talk/hook/meta.yaml", "server: none\n");
    let run = || {
        repo.nbe(["--isolation", "namespace", "run", "talk/hook/node"])
            .env("HOME", home.path().to_str().unwrap())
            .env("NBE_CACHE_DIR", cache.path().to_str().unwrap())
            .run()
            .code(0)
    };
    run().stdout_has("no hook ran");
    repo.write(
        "examples/talk/hook/meta.yaml",
        "server: none\nclients:\n  node:\n    hooks: true\n",
    );
    // The same package, prepared again: the choice is part of the product's key.
    run().stdout_has("the hook ran");
    assert!(!planted.exists(), "the hook wrote the caller's HOME");
    // npm's own cache is the kind's, which its steps write (npm checks what it reads there
    // against the lock file's hashes).
    let npm = cache.path().join("npm");
    let in_the_cache = std::process::Command::new("find")
        .arg(cache.path())
        .args(["-path".as_ref(), npm.as_os_str()])
        .args(["-prune", "-o", "-name", "planted", "-print"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&in_the_cache.stdout),
        "",
        "the hook wrote outside its product"
    );
    // Declared off again, the product without hooks is the one run.
    repo.write(
        "examples/talk/hook/meta.yaml",
        "server: none\nclients:\n  node:\n    hooks: false\n",
    );
    run().stdout_has("no hook ran");
}

#[test]
fn hooks_are_refused_for_a_kind_without_them_and_a_misspelt_key_is_an_error() {
    let repo = repo_with_defaults();
    repo.write("examples/talk/greet/go/main.go", PROGRAMS[0].2).write(
        "examples/talk/greet/meta.yaml",
        "title: Greet\nclients:\n  go:\n    hooks: true\n",
    );
    repo.nbe(["test", "talk/greet"])
        .run()
        .code(1)
        .stdout_has("examples/talk/greet/meta.yaml:4:12: `clients.go.hooks` asks for install hooks, but go clients have none to run (no `prepare_hooks` in its kind); remove the key");
    repo.write(
        "examples/talk/greet/meta.yaml",
        "title: Greet\nclients:\n  go:\n    hook: true\n",
    );
    repo.nbe(["test", "talk/greet"])
        .run()
        .code(1)
        .stdout_has("examples/talk/greet/meta.yaml:4:5: ")
        .stdout_has("hook");
}
