//! Uploaded files (application documents), kept through `object_store`: a
//! directory under the data directory by default. The database holds each
//! file's key; the bytes live here.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, ObjectStoreExt};

use crate::StoreError;

#[derive(Clone, Debug)]
pub struct FileStore(Arc<dyn ObjectStore>);

impl FileStore {
    /// Files in `dir`, which is created when missing.
    pub fn local(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Files(format!("cannot create {}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(dir).map_err(files)?;
        Ok(Self(Arc::new(store)))
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StoreError> {
        self.0.put(&Key::from(key), bytes.into()).await.map_err(files)?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, StoreError> {
        let object = self.0.get(&Key::from(key)).await.map_err(files)?;
        object.bytes().await.map_err(files)
    }

    /// Deletes a file; a file already gone is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        match self.0.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(files(e)),
        }
    }
}

fn files(error: object_store::Error) -> StoreError {
    StoreError::Files(error.to_string())
}
