//! The deploy files (examples/deploy) fit together: systemd accepts the
//! units, shellcheck the scripts, serve every setting of the env file, the
//! unprivileged unit is given nothing it cannot do (a port below 1024, root's
//! key), install.sh installs what the units name, the README installs as
//! install.sh does, and the proxies pass bodies as large as serve takes.
//! examples/deploy/check_install.sh runs the whole path in a Debian
//! container (too slow and too privileged for `cargo test`).

use crate::common;

use std::path::Path;
use std::process::Command;

use common::deploy::{
    deploy_dir, deploy_file, env_settings, help_of, names, port_of, repo_file, script_constant,
    size_in_bytes, unit_value, unit_values,
};
use common::serving::ServeProcess;
use common::tool_present;

const UNITS: [&str; 3] = [
    "evarchive.service",
    "evarchive-backup.service",
    "evarchive-backup.timer",
];

/// Where install.sh puts the binary, which the units run.
fn installed_binary() -> String {
    script_constant(&deploy_file("install.sh"), "BIN")
}

/// The units as `systemd-analyze verify` checks them, with and without the
/// drop-in. verify insists that ExecStart's binary exists: the copies run
/// the binary under test where install.sh puts it.
#[test]
fn systemd_accepts_the_units_and_the_drop_in() {
    if !tool_present("systemd-analyze", "--version", "the units are not verified") {
        return;
    }
    let binary = assert_cmd::cargo::cargo_bin("evarchive");
    let installed = installed_binary();
    for with_drop_in in [false, true] {
        let dir = tempfile::tempdir().expect("temp dir");
        let copy = |name: &str, to: &Path| {
            let text = deploy_file(name).replace(&installed, &binary.display().to_string());
            std::fs::write(to, text).expect("copy");
        };
        for unit in UNITS {
            copy(unit, &dir.path().join(unit));
        }
        if with_drop_in {
            let drop_ins = dir.path().join("evarchive.service.d");
            std::fs::create_dir(&drop_ins).expect("mkdir");
            copy("direct-https.conf", &drop_ins.join("direct-https.conf"));
        }
        let output = Command::new("systemd-analyze")
            .args(["verify", "--man=no"])
            .args(UNITS.map(|unit| dir.path().join(unit)))
            .output()
            .expect("systemd-analyze runs");
        let said = String::from_utf8_lossy(&output.stderr);
        // Unknown keys and bad values are only warnings: none is allowed.
        assert!(
            output.status.success() && said.trim().is_empty(),
            "drop-in {with_drop_in}: {said}"
        );
    }
}

#[test]
fn shellcheck_passes_the_scripts() {
    if !tool_present("shellcheck", "--version", "the scripts are not checked") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for script in [
        "examples/deploy/install.sh",
        "examples/deploy/check_install.sh",
        "tests/fixtures/make_fixture_archive.sh",
        ".ci/run",
    ] {
        let output = Command::new("shellcheck")
            .arg(root.join(script))
            .output()
            .expect("shellcheck runs");
        assert!(
            output.status.success(),
            "{script}:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

/// Every variable the env file sets or offers (commented out) is one serve
/// reads, as its `--help` says.
#[test]
fn the_env_file_offers_only_settings_serve_reads() {
    let help = help_of(&["serve"]);
    let settings = env_settings(&deploy_file("evarchive.env"));
    assert!(settings.len() >= 5, "{settings:?}");
    for (name, _, _) in settings {
        assert!(names(&help, &name), "serve --help does not name {name}");
    }
}

/// serve starts with every setting the env file sets or offers, so none of
/// its values is refused (exit 2). Left out: the address (the test listens on
/// port 0) and the token settings (secrets of your own; no such file here).
#[test]
fn serve_starts_with_the_env_files_settings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let env: Vec<(String, String)> = env_settings(&deploy_file("evarchive.env"))
        .into_iter()
        .filter(|(name, _, _)| {
            !matches!(
                name.as_str(),
                "EVARCHIVE_LISTEN" | "EVARCHIVE_TOKEN" | "EVARCHIVE_TOKEN_FILE"
            )
        })
        .map(|(name, value, _)| (name, value))
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let mut serve = ServeProcess::start_as(&dir.path().join("archive.db"), &[], &env);
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0), "{}", serve.logged());
}

/// The unit runs as its own user without capabilities: every address the env
/// file offers is a port it may bind, and the env file names no certificate
/// (root's keys are the drop-in's, through systemd's credentials).
#[test]
fn the_unit_and_its_env_file_ask_for_no_privilege() {
    let unit = deploy_file("evarchive.service");
    assert_eq!(unit_value(&unit, "User"), "evarchive");
    assert_eq!(unit_value(&unit, "CapabilityBoundingSet"), "");
    assert_eq!(unit_value(&unit, "AmbientCapabilities"), "");
    let env = deploy_file("evarchive.env");
    for (name, value, _) in env_settings(&env) {
        if name == "EVARCHIVE_LISTEN" {
            assert!(port_of(&value) >= 1024, "the unit cannot bind {value}");
        }
        assert!(
            !name.starts_with("EVARCHIVE_TLS_"),
            "{name} in the env file"
        );
    }
    // Exit 2 is a bad setting: restarting cannot help.
    assert_eq!(unit_value(&unit, "Restart"), "on-failure");
    assert_eq!(unit_value(&unit, "RestartPreventExitStatus"), "2");
    assert!(unit_value(&unit, "StartLimitBurst").parse::<u32>().is_ok());
    assert!(unit_value(&unit, "StartLimitIntervalSec").ends_with('0'));
}

/// Port 443 needs CAP_NET_BIND_SERVICE, kept in the bounding set and passed
/// on; every `%d/NAME` path serve is given is a credential systemd loads.
#[test]
fn the_drop_in_grants_what_https_on_443_needs() {
    let drop_in = deploy_file("direct-https.conf");
    let exec = unit_values(&drop_in, "ExecStart");
    assert_eq!(exec[0], "", "the drop-in must reset the unit's ExecStart");
    let command: Vec<&str> = exec[1].split_whitespace().collect();
    assert_eq!(command[0], installed_binary());
    let flag = |name: &str| {
        let at = command.iter().position(|word| *word == name);
        command[at.unwrap_or_else(|| panic!("no {name}")) + 1]
    };
    assert!(port_of(flag("--listen")) < 1024);
    for key in ["AmbientCapabilities", "CapabilityBoundingSet"] {
        assert_eq!(unit_value(&drop_in, key), "CAP_NET_BIND_SERVICE", "{key}");
    }
    let credentials: Vec<String> = unit_values(&drop_in, "LoadCredential")
        .iter()
        .map(|value| value.split_once(':').expect("ID:PATH").0.to_owned())
        .collect();
    for tls_flag in ["--tls-cert", "--tls-key"] {
        let credential = flag(tls_flag).strip_prefix("%d/").expect("a %d/ path");
        assert!(
            credentials.iter().any(|id| id == credential),
            "{credential}"
        );
        assert!(names(&help_of(&["serve"]), tls_flag));
    }
}

/// install.sh installs the binary, the environment file and the archive's
/// directory where the units look for them, and every unit there is.
#[test]
fn install_sh_installs_what_the_units_name() {
    let script = deploy_file("install.sh");
    let binary = installed_binary();
    let state = script_constant(&script, "STATE_DIR");
    let unit = deploy_file("evarchive.service");
    let backup = deploy_file("evarchive-backup.service");
    assert_eq!(unit_value(&unit, "ExecStart"), format!("{binary} serve"));
    assert_eq!(
        unit_value(&unit, "EnvironmentFile"),
        script_constant(&script, "ENV_FILE")
    );
    for text in [&unit, &backup] {
        assert_eq!(unit_value(text, "ReadWritePaths"), state);
        let db = format!("EVARCHIVE_DB={state}/evarchive.db");
        assert_eq!(unit_value(text, "Environment"), db);
        assert_eq!(
            unit_value(text, "User"),
            script_constant(&script, "SERVICE_USER")
        );
    }
    let backing_up = unit_value(&backup, "ExecStart");
    assert!(backing_up.contains(&format!("exec {binary} backup \"{state}/backups/")));
    let listed = script_constant(&script, "UNITS");
    let mut on_disk: Vec<String> = std::fs::read_dir(deploy_dir())
        .expect("examples/deploy")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".service") || name.ends_with(".timer"))
        .collect();
    on_disk.sort();
    let mut installed: Vec<&str> = listed.trim_matches(['(', ')']).split(' ').collect();
    installed.sort();
    assert_eq!(installed, on_disk);
}

/// The README's commands run install.sh with options it has, and name every
/// file it installs; both build with `cargo install --locked --path .`.
#[test]
fn the_readme_installs_as_install_sh_does() {
    let readme = repo_file("README.md");
    let script = deploy_dir().join("install.sh");
    let output = Command::new("bash")
        .arg(&script)
        .arg("--help")
        .output()
        .expect("bash runs");
    assert!(output.status.success());
    let usage = String::from_utf8(output.stdout).expect("UTF-8");
    let options: Vec<&str> = usage
        .split_whitespace()
        .filter(|word| word.starts_with("--"))
        .collect();
    let word = |word: &str| word.trim_matches(|c: char| "`(),.;".contains(c)).to_owned();
    let calls: Vec<Vec<String>> = readme
        .lines()
        .map(|line| line.split_whitespace().map(word).collect::<Vec<_>>())
        .filter(|words| words.iter().any(|w| w == "examples/deploy/install.sh"))
        .collect();
    assert!(calls.len() >= 2, "the README runs install.sh {calls:?}");
    for call in calls {
        let used = call.iter().take_while(|word| !word.starts_with('#'));
        for option in used.filter(|word| word.starts_with("--")) {
            let option = option.split('=').next().expect("split");
            assert!(options.contains(&option), "{option} in: {call:?}");
        }
    }
    for option in options.iter().filter(|option| **option != "--help") {
        assert!(names(&readme, option), "the README does not say {option}");
    }
    let paths = usage
        .split_whitespace()
        .filter(|word| word.starts_with('/'));
    for path in paths {
        assert!(readme.contains(path), "the README does not name {path}");
    }
    let build = "cargo install --locked --path .";
    assert!(readme.contains(build) && usage.contains(build));
    assert!(deploy_file("install.sh").contains("cargo install --locked --path ."));
}

/// Without `--locked`, cargo picks dependency versions no test ran with.
#[test]
fn every_cargo_install_is_locked() {
    let mut texts = vec![("README.md".to_owned(), repo_file("README.md"))];
    for entry in std::fs::read_dir(deploy_dir()).expect("examples/deploy") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        texts.push((name.clone(), deploy_file(&name)));
    }
    for (name, text) in texts {
        for line in text.lines().filter(|line| line.contains("cargo install")) {
            assert!(line.contains("--locked"), "{name}: {line}");
        }
    }
}

/// Caddy and nginx pass bodies as large as serve takes (its default
/// --max-body, read from its --help), to the address the env file sets.
#[test]
fn the_proxies_pass_what_serve_takes_where_it_listens() {
    let help = help_of(&["serve"]);
    let max_body = help
        .split("--max-body")
        .nth(1)
        .and_then(|rest| rest.split("[default: ").nth(1))
        .and_then(|rest| rest.split(']').next())
        .expect("--max-body's default");
    let max_body: u64 = max_body.parse().expect("a number");
    let listen = env_settings(&deploy_file("evarchive.env"))
        .into_iter()
        .find(|(name, _, active)| name == "EVARCHIVE_LISTEN" && *active)
        .expect("EVARCHIVE_LISTEN")
        .1;
    for (file, size_key, proxy) in [
        ("Caddyfile", "max_size", format!("reverse_proxy {listen}")),
        (
            "nginx.conf",
            "client_max_body_size",
            format!("proxy_pass http://{listen};"),
        ),
    ] {
        let text = deploy_file(file);
        let size = text
            .lines()
            .find_map(|line| line.trim().strip_prefix(size_key))
            .unwrap_or_else(|| panic!("no {size_key} in {file}"));
        let size = size_in_bytes(size.trim().trim_end_matches(';'));
        assert!(size >= max_body, "{file}: {size} bytes < {max_body}");
        assert!(text.contains(&proxy), "{file} does not pass to {listen}");
    }
}
