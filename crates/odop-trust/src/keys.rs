//! The platform's Ed25519 signing keys. A key lives in a PKCS#8 PEM file
//! outside the database (`odop keys generate`), is known by an id derived
//! from its public half, and is published with the others in the JSON Web
//! Key Set at `/.well-known/odop-keys.json`, so that anyone can check a
//! signature offline and keys can rotate: a new key signs from the day it
//! is made, the old ones stay published for what they signed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::Signer;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("not an Ed25519 private key in PKCS#8 PEM")]
    Unreadable,
    #[error("no published key has the id {0}")]
    UnknownKey(String),
    #[error("the published key {0} is not an Ed25519 public key")]
    BadPublicKey(String),
    #[error("the signature is not valid")]
    BadSignature,
}

/// A key's id: the first 8 bytes of the SHA-256 of its public half, in hex.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct KeyId(pub String);

impl KeyId {
    fn of(public: &ed25519_dalek::VerifyingKey) -> KeyId {
        KeyId(hex::encode(&Sha256::digest(public.as_bytes())[..8]))
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A private signing key with its id.
pub struct SigningKey {
    id: KeyId,
    key: ed25519_dalek::SigningKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret.
        f.debug_struct("SigningKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    /// A new key from the operating system's random numbers.
    pub fn generate() -> SigningKey {
        let seed: [u8; 32] = rand::random();
        Self::from_key(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    fn from_key(key: ed25519_dalek::SigningKey) -> SigningKey {
        SigningKey {
            id: KeyId::of(&key.verifying_key()),
            key,
        }
    }

    pub fn from_pem(pem: &str) -> Result<SigningKey, KeyError> {
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map(Self::from_key)
            .map_err(|_| KeyError::Unreadable)
    }

    /// The key as a PKCS#8 PEM document (`-----BEGIN PRIVATE KEY-----`).
    /// Written as version 1, the private key alone, as OpenSSL writes it:
    /// OpenSSL 3.0 refuses the version 2 document that also carries the
    /// public key, and the public key follows from the private one anyway.
    pub fn to_pem(&self) -> String {
        let pair = ed25519_dalek::pkcs8::KeypairBytes {
            secret_key: self.key.to_bytes(),
            public_key: None,
        };
        pair.to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .expect("an Ed25519 key encodes")
            .to_string()
    }

    pub fn id(&self) -> &KeyId {
        &self.id
    }

    /// The signature of `message`, in unpadded base64url.
    pub fn sign(&self, message: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.key.sign(message).to_bytes())
    }

    /// The public half, as published.
    pub fn published(&self) -> PublishedKey {
        PublishedKey {
            kty: "OKP".to_owned(),
            crv: "Ed25519".to_owned(),
            alg: "EdDSA".to_owned(),
            key_use: "sig".to_owned(),
            kid: self.id.clone(),
            x: URL_SAFE_NO_PAD.encode(self.key.verifying_key().as_bytes()),
        }
    }
}

/// The platform's keys, oldest first: the newest signs, all are published
/// (an older key still vouches for what it signed).
#[derive(Debug, Default)]
pub struct KeyRing {
    keys: Vec<SigningKey>,
}

impl KeyRing {
    pub fn new(keys: Vec<SigningKey>) -> KeyRing {
        KeyRing { keys }
    }

    /// The key that signs now, if there is any.
    pub fn signing(&self) -> Option<&SigningKey> {
        self.keys.last()
    }

    pub fn published(&self) -> PublishedKeys {
        PublishedKeys {
            keys: self.keys.iter().map(SigningKey::published).collect(),
        }
    }
}

/// A public key as a JSON Web Key (RFC 8037: an octet key pair).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedKey {
    pub kty: String,
    pub crv: String,
    pub alg: String,
    #[serde(rename = "use")]
    pub key_use: String,
    pub kid: KeyId,
    /// The public key's 32 bytes in unpadded base64url.
    pub x: String,
}

/// The key set published at `/.well-known/odop-keys.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedKeys {
    pub keys: Vec<PublishedKey>,
}

impl PublishedKeys {
    /// Checks that `signature` (unpadded base64url) is the key `kid`'s
    /// signature of `message`. Strict verification: no malleable or
    /// weak-key signatures.
    pub fn verify(&self, kid: &str, message: &[u8], signature: &str) -> Result<(), KeyError> {
        let published = self
            .keys
            .iter()
            .find(|key| key.kid.0 == kid)
            .ok_or_else(|| KeyError::UnknownKey(kid.to_owned()))?;
        let bad_key = || KeyError::BadPublicKey(kid.to_owned());
        if published.kty != "OKP" || published.crv != "Ed25519" {
            return Err(bad_key());
        }
        let public: [u8; 32] = URL_SAFE_NO_PAD
            .decode(&published.x)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(bad_key)?;
        let public = ed25519_dalek::VerifyingKey::from_bytes(&public).map_err(|_| bad_key())?;
        let signature: [u8; 64] = URL_SAFE_NO_PAD
            .decode(signature)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or(KeyError::BadSignature)?;
        public
            .verify_strict(message, &ed25519_dalek::Signature::from_bytes(&signature))
            .map_err(|_| KeyError::BadSignature)?;
        // The id must be the key's own, so a key set cannot pass off one
        // key under another's name.
        if KeyId::of(&public).0 != kid {
            return Err(bad_key());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_with_the_published_key_and_nothing_else() {
        let key = SigningKey::generate();
        let other = SigningKey::generate();
        assert_ne!(key.id(), other.id());
        let keys = PublishedKeys {
            keys: vec![key.published(), other.published()],
        };
        let signature = key.sign(b"checkpoint 41");
        assert_eq!(keys.verify(&key.id().0, b"checkpoint 41", &signature), Ok(()));
        assert_eq!(
            keys.verify(&key.id().0, b"checkpoint 42", &signature),
            Err(KeyError::BadSignature)
        );
        assert_eq!(
            keys.verify(&other.id().0, b"checkpoint 41", &signature),
            Err(KeyError::BadSignature)
        );
        assert_eq!(
            keys.verify("0011223344556677", b"checkpoint 41", &signature),
            Err(KeyError::UnknownKey("0011223344556677".into()))
        );
        assert_eq!(
            keys.verify(&key.id().0, b"checkpoint 41", "not base64!"),
            Err(KeyError::BadSignature)
        );
        let mut flipped = URL_SAFE_NO_PAD.decode(&signature).unwrap();
        flipped[10] ^= 1;
        assert_eq!(
            keys.verify(&key.id().0, b"checkpoint 41", &URL_SAFE_NO_PAD.encode(flipped)),
            Err(KeyError::BadSignature)
        );
    }

    #[test]
    fn a_key_published_under_another_keys_id_is_refused() {
        let key = SigningKey::generate();
        let mut published = key.published();
        published.kid = KeyId("0011223344556677".into());
        let keys = PublishedKeys { keys: vec![published] };
        let signature = key.sign(b"m");
        assert_eq!(
            keys.verify("0011223344556677", b"m", &signature),
            Err(KeyError::BadPublicKey("0011223344556677".into()))
        );
    }

    #[test]
    fn a_key_survives_its_pem_file_and_keeps_its_id() {
        let key = SigningKey::generate();
        let pem = key.to_pem();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"), "{pem}");
        let read = SigningKey::from_pem(&pem).unwrap();
        assert_eq!(read.id(), key.id());
        assert_eq!(read.sign(b"x"), key.sign(b"x"), "Ed25519 signs deterministically");
        assert_eq!(
            SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").unwrap_err(),
            KeyError::Unreadable
        );
        assert!(
            !format!("{key:?}").contains(&pem[28..40]),
            "Debug never shows the secret"
        );
    }

    #[test]
    fn the_key_set_is_a_json_web_key_set() {
        let key = SigningKey::generate();
        let json = serde_json::to_value(PublishedKeys {
            keys: vec![key.published()],
        })
        .unwrap();
        let published = &json["keys"][0];
        assert_eq!(published["kty"], "OKP");
        assert_eq!(published["crv"], "Ed25519");
        assert_eq!(published["use"], "sig");
        assert_eq!(published["kid"], key.id().0);
        assert_eq!(
            published["x"].as_str().unwrap().len(),
            43,
            "32 bytes in unpadded base64url"
        );
    }
}
