//! Filesystems a test makes for itself: a small one that fills up, and a
//! read-only one. Both need `mount` (root with CAP_SYS_ADMIN) unless the
//! test runs unprivileged, where file modes make a read-only place; tests
//! that cannot have one skip with a printed reason.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted on a fresh directory; unmounted when dropped.
pub struct Mounted {
    dir: tempfile::TempDir,
}

impl Mounted {
    /// A tmpfs of `mib` MiB, or `None` (with the reason) where mounting is
    /// not allowed.
    pub fn tmpfs(mib: u64) -> Result<Mounted, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "mount -t tmpfs failed: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(Mounted { dir })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Remounts it read-only.
    pub fn make_read_only(&self) -> Result<(), String> {
        let output = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.dir.path())
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).into_owned())
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// A place whose files cannot be written, holding a copy of `archive_dir`'s
/// files.
pub enum ReadOnly {
    Mounted(Mounted),
    Modes(tempfile::TempDir),
}

impl ReadOnly {
    pub fn path(&self) -> PathBuf {
        match self {
            ReadOnly::Mounted(mounted) => mounted.path().to_owned(),
            ReadOnly::Modes(dir) => dir.path().to_owned(),
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if let ReadOnly::Modes(dir) = self {
            use std::os::unix::fs::PermissionsExt;
            // So that the directory can be removed.
            let _ = std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755));
        }
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("Uid:"))
                .map(|line| line.split_whitespace().nth(2) == Some("0"))
        })
        .unwrap_or(false)
}

fn copy_files(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("list") {
        let entry = entry.expect("entry");
        // Not the disk reserve: it is there to be big.
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().expect("type").is_file() && !name.ends_with("-reserve") {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// A read-only copy of `archive_dir`: by file modes for an unprivileged
/// user, by a read-only tmpfs for root (whom modes do not stop). `None`
/// with the reason when neither can be had.
pub fn read_only_copy(archive_dir: &Path) -> Result<ReadOnly, String> {
    if !is_root() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        copy_files(archive_dir, dir.path());
        for entry in std::fs::read_dir(dir.path()).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444))
                .map_err(|e| e.to_string())?;
        }
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o555))
            .map_err(|e| e.to_string())?;
        return Ok(ReadOnly::Modes(dir));
    }
    let mounted = Mounted::tmpfs(16)?;
    copy_files(archive_dir, mounted.path());
    mounted.make_read_only()?;
    Ok(ReadOnly::Mounted(mounted))
}
