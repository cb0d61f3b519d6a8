//! A real terminal for the tests of what the binary draws there: a tmux
//! server of the test's own, its window as wide as the test says.

use std::path::Path;
use std::process::{Child, Command, Output};

/// Whether tmux can be run; if not, says the test is skipped and why.
pub fn tmux_present(skipped: &str) -> bool {
    super::tool_present("tmux", "-V", skipped)
}

/// A path quoted for the shell command line a pane runs.
pub fn quoted(path: &Path) -> String {
    format!("'{}'", path.display())
}

/// A tmux server of the test's own (its socket in the temp dir, no user
/// configuration), killed when dropped.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    pub fn new(socket: &Path) -> Tmux {
        Tmux {
            socket: socket.display().to_string(),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-f", "/dev/null", "-S", &self.socket]);
        command
    }

    /// The same tmux as a shell command line, for the pane's script.
    pub fn command_line(&self, subcommand: &str) -> String {
        format!("tmux -f /dev/null -S '{}' {subcommand}", self.socket)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        let output = self.command().args(args).output().expect("tmux runs");
        assert!(
            output.status.success(),
            "tmux {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command().args(args).spawn().expect("tmux runs")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").output();
    }
}

/// What a shell command line left on the screen of a terminal `width`
/// columns wide: its exit status, and the screen's lines with the ones the
/// terminal wrapped joined again (so a line too wide shows as such).
pub fn screen_after(dir: &Path, width: u16, script: &str) -> (i32, Vec<String>) {
    let tmux = Tmux::new(&dir.join("tmux.sock"));
    let status = dir.join("status");
    // The pane stays open on the last wait-for until the server is killed,
    // so its screen can be read after the command ended.
    let pane = format!(
        "{script}; echo $? > {status}; {done}; {wait}",
        status = quoted(&status),
        done = tmux.command_line("wait-for -S done"),
        wait = tmux.command_line("wait-for never"),
    );
    let columns = width.to_string();
    tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "screen",
        "-x",
        &columns,
        "-y",
        "50",
        &pane,
    ]);
    let mut done = tmux.spawn(&["wait-for", "done"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while done.try_wait().expect("wait-for").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = done.kill();
            panic!("{script} did not end within a minute");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let screen = tmux.run(&["capture-pane", "-p", "-J", "-t", "screen"]);
    let lines = String::from_utf8(screen.stdout)
        .expect("UTF-8")
        .lines()
        .map(|line| line.trim_end().to_owned())
        .filter(|line| !line.is_empty())
        .collect();
    let code = std::fs::read_to_string(&status).expect("exit status");
    (code.trim().parse().expect("a number"), lines)
}
