//! The platform's signing keys on disk: one PKCS#8 PEM file per key in the
//! keys directory, named `<UTC time made>-<key id>.pem` so that the names
//! sort by age and the newest signs. The files are readable by their owner
//! only; a key readable by others is refused rather than used.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use odop_trust::{KeyRing, SigningKey};

/// Reads every key in `dir`, oldest first. A missing directory is an empty
/// ring: nothing is signed until `odop keys generate` makes a key.
pub fn load(dir: &Path) -> anyhow::Result<KeyRing> {
    let mut files = key_files(dir)?;
    files.sort();
    let mut keys = Vec::new();
    for path in files {
        refuse_if_others_can_read(&path)?;
        let pem = std::fs::read_to_string(&path).with_context(|| format!("cannot read the key {}", path.display()))?;
        keys.push(SigningKey::from_pem(&pem).with_context(|| format!("{} is not a usable key", path.display()))?);
    }
    Ok(KeyRing::new(keys))
}

fn key_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error).with_context(|| format!("cannot read the keys directory {}", dir.display())),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_some_and(|extension| extension == "pem") {
            files.push(path);
        }
    }
    Ok(files)
}

#[cfg(unix)]
fn refuse_if_others_can_read(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        anyhow::bail!(
            "the key {} can be read by others (mode {:o}); make it the owner's only: chmod 600 {}",
            path.display(),
            mode & 0o777,
            path.display()
        );
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_if_others_can_read(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// Makes a new key in `dir` (created for the owner only), which signs from
/// now on; returns it and its file.
pub fn generate(dir: &Path, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<(SigningKey, PathBuf)> {
    create_private_dir(dir)?;
    let key = SigningKey::generate();
    let path = dir.join(format!("{}-{}.pem", now.format("%Y%m%dT%H%M%SZ"), key.id()));
    write_private(&path, key.to_pem().as_bytes())
        .with_context(|| format!("cannot write the key {}", path.display()))?;
    Ok((key, path))
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create the keys directory {}", dir.display()))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    Ok(std::fs::create_dir_all(dir)?)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
