//! Settings, resolved from four layers in increasing priority: built-in
//! defaults, the configuration file, `ODOP_*` environment variables, and
//! command-line flags. clap already merges flags over the environment; this
//! module puts the file beneath both and the defaults beneath everything.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use odop_notify::HttpSenderConfig;

use crate::cli::{Cli, DatabaseArgs, LogFormat, ServeArgs};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";
pub const DEFAULT_LOG: &str = "info";
pub const DEFAULT_CONFIG_FILE: &str = "odop.toml";
/// The SQLite file inside the data directory when no database URL is given.
pub const SQLITE_FILE: &str = "odop.db";

/// The configuration file: every key optional, unknown keys refused so that
/// a misspelt setting is noticed instead of silently ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    /// Where the platform's signing keys are kept (outside the database).
    pub keys_dir: Option<PathBuf>,
    pub log: Option<String>,
    pub log_format: Option<LogFormat>,
    pub dev: Option<bool>,
    pub public_url: Option<String>,
    pub trust_forwarded_for: Option<bool>,
    /// A second address for /metrics, /healthz and /readyz.
    pub metrics_listen: Option<SocketAddr>,
    /// The token that opens /metrics on the site's own address.
    pub metrics_token: Option<String>,
    /// How long an unpaid online order holds its stock, in minutes.
    pub payment_hold_minutes: Option<i64>,
    /// How messages (SMS) leave; the log by default.
    pub sms: Option<SmsConfig>,
    /// Which payment gateway takes online payments; the sandbox by default.
    pub payments: Option<PaymentsConfig>,
}

/// The `[payments]` table: `gateway = "sandbox"` (a local test page, no
/// money moves; `fee_bp` makes it keep a fee, in basis points plus GST, to
/// try the books with fees), or `gateway = "razorpay"` with `key_id`,
/// `key_secret` and `webhook_secret` (and optionally `base_url`).
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "gateway", rename_all = "lowercase", deny_unknown_fields)]
pub enum PaymentsConfig {
    Sandbox {
        #[serde(default)]
        fee_bp: u32,
    },
    Razorpay(odop_pay::RazorpayConfig),
}

/// The `[sms]` table: `sender = "log"`, or `sender = "http"` with the
/// gateway's `url`, `headers`, `body` template and `format`.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "sender", rename_all = "lowercase", deny_unknown_fields)]
pub enum SmsConfig {
    Log,
    Http(HttpSenderConfig),
}

impl FileConfig {
    /// Reads the file named by `--config`/`ODOP_CONFIG` (which must exist),
    /// or `odop.toml` in the working directory when present.
    pub fn load(explicit: Option<&Path>) -> anyhow::Result<Self> {
        let path = match explicit {
            Some(path) => path.to_owned(),
            None if Path::new(DEFAULT_CONFIG_FILE).is_file() => PathBuf::from(DEFAULT_CONFIG_FILE),
            None => return Ok(Self::default()),
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read configuration file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("invalid configuration file {}", path.display()))
    }
}

/// Where the data lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    /// The embedded database: a file, created when missing.
    SqliteFile(PathBuf),
    /// A database server (or a SQLite file given as a URL).
    Url(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseSettings {
    pub data_dir: PathBuf,
    pub database: Database,
    /// The platform's signing keys: PKCS#8 PEM files, the newest signing.
    pub keys_dir: PathBuf,
}

#[derive(Clone, Debug)]
pub struct ServeSettings {
    pub listen: SocketAddr,
    pub migrate: bool,
    pub worker: bool,
    pub dev: bool,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub payment_hold_minutes: Option<i64>,
    pub public_url: Option<String>,
    pub metrics_listen: Option<SocketAddr>,
    pub metrics_token: Option<String>,
    pub sms: SmsConfig,
    pub payments: PaymentsConfig,
    pub database: DatabaseSettings,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogSettings {
    pub filter: String,
    pub format: LogFormat,
}

impl LogSettings {
    pub fn resolve(cli: &Cli, file: &FileConfig) -> Self {
        Self {
            filter: cli
                .log
                .clone()
                .or_else(|| file.log.clone())
                .unwrap_or_else(|| DEFAULT_LOG.to_owned()),
            format: cli.log_format.or(file.log_format).unwrap_or_default(),
        }
    }
}

impl DatabaseSettings {
    pub fn resolve(args: &DatabaseArgs, file: &FileConfig) -> Self {
        let data_dir = args
            .data_dir
            .clone()
            .or_else(|| file.data_dir.clone())
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database = match args.database_url.clone().or_else(|| file.database_url.clone()) {
            Some(url) => Database::Url(url),
            None => Database::SqliteFile(data_dir.join(SQLITE_FILE)),
        };
        let keys_dir = args
            .keys_dir
            .clone()
            .or_else(|| file.keys_dir.clone())
            .unwrap_or_else(|| data_dir.join("keys"));
        Self {
            data_dir,
            database,
            keys_dir,
        }
    }
}

impl ServeSettings {
    /// Refuses settings that would serve the public wrongly. Listening
    /// beyond this machine needs the public address: without it, links and
    /// share cards would name whatever host a request claims.
    pub fn check(&self) -> anyhow::Result<()> {
        if !self.listen.ip().is_loopback() && self.public_url.is_none() {
            anyhow::bail!(
                "listening on {} reaches beyond this machine: set --public-url (ODOP_PUBLIC_URL, public_url in \
                 odop.toml) to the address people use, such as https://odop.example, so that links and share \
                 cards name it rather than whatever host a request claims",
                self.listen
            );
        }
        if let Some(url) = &self.public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            anyhow::bail!("--public-url must start with https:// or http://, not {url:?}");
        }
        if self.metrics_listen.is_some_and(|metrics| metrics == self.listen) {
            anyhow::bail!("--metrics-listen must differ from --listen");
        }
        Ok(())
    }

    pub fn resolve(args: &ServeArgs, file: &FileConfig) -> Self {
        let public_url = args.public_url.clone().or_else(|| file.public_url.clone());
        Self {
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("the default address is valid")),
            migrate: !args.no_migrate,
            worker: !args.no_worker,
            // A flag can only switch these on; the file may switch them on too.
            dev: args.dev || file.dev.unwrap_or(false),
            secure_cookies: public_url.as_ref().is_some_and(|url| url.starts_with("https://")),
            trust_forwarded_for: args.trust_forwarded_for || file.trust_forwarded_for.unwrap_or(false),
            payment_hold_minutes: args.payment_hold_minutes.or(file.payment_hold_minutes),
            public_url,
            metrics_listen: args.metrics_listen.or(file.metrics_listen),
            metrics_token: args
                .metrics_token
                .clone()
                .or_else(|| file.metrics_token.clone())
                .filter(|token| !token.trim().is_empty()),
            sms: file.sms.clone().unwrap_or(SmsConfig::Log),
            payments: file.payments.clone().unwrap_or(PaymentsConfig::Sandbox { fee_bp: 0 }),
            database: DatabaseSettings::resolve(&args.database, file),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(data_dir: Option<&str>, url: Option<&str>) -> DatabaseArgs {
        DatabaseArgs {
            data_dir: data_dir.map(PathBuf::from),
            database_url: url.map(str::to_owned),
            keys_dir: None,
        }
    }

    fn serve_args(listen: Option<SocketAddr>, no_migrate: bool, database: DatabaseArgs) -> ServeArgs {
        ServeArgs {
            listen,
            no_migrate,
            no_worker: false,
            dev: false,
            public_url: None,
            trust_forwarded_for: false,
            metrics_listen: None,
            metrics_token: None,
            payment_hold_minutes: None,
            database,
        }
    }

    #[test]
    fn https_public_urls_make_cookies_secure_and_the_sms_gateway_is_configurable() {
        let from_file = file(
            "public_url = \"https://odop.example\"\n[sms]\nsender = \"http\"\nurl = \"https://sms.example/send\"\nbody = \"{text}\"\n",
        );
        let settings = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &from_file);
        assert!(settings.secure_cookies);
        assert!(matches!(settings.sms, SmsConfig::Http(ref http) if http.url == "https://sms.example/send"));
        let plain = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &FileConfig::default());
        assert!(!plain.secure_cookies && !plain.dev);
        assert!(matches!(plain.sms, SmsConfig::Log));
        assert!(toml::from_str::<FileConfig>("[sms]\nsender = \"pigeon\"").is_err());
    }

    fn file(text: &str) -> FileConfig {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn payments_go_to_the_sandbox_unless_razorpay_is_configured_in_full() {
        let plain = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &FileConfig::default());
        assert!(matches!(plain.payments, PaymentsConfig::Sandbox { fee_bp: 0 }));
        let with_fee = file("[payments]\ngateway = \"sandbox\"\nfee_bp = 200\n");
        let settings = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &with_fee);
        assert!(matches!(settings.payments, PaymentsConfig::Sandbox { fee_bp: 200 }));
        let razorpay = file(
            "[payments]\ngateway = \"razorpay\"\nkey_id = \"rzp_live_x\"\nkey_secret = \"s\"\nwebhook_secret = \"w\"\n",
        );
        let settings = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &razorpay);
        assert!(matches!(settings.payments, PaymentsConfig::Razorpay(ref r) if r.key_id == "rzp_live_x"));
        assert!(
            toml::from_str::<FileConfig>("[payments]\ngateway = \"razorpay\"\nkey_id = \"k\"").is_err(),
            "secrets missing"
        );
        assert!(toml::from_str::<FileConfig>("[payments]\ngateway = \"paypal\"").is_err());
    }

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let settings = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &FileConfig::default());
        assert_eq!(settings.listen, "127.0.0.1:8080".parse().unwrap());
        assert!(settings.migrate);
        assert_eq!(settings.database.data_dir, PathBuf::from("./data"));
        assert_eq!(
            settings.database.database,
            Database::SqliteFile(PathBuf::from("./data/odop.db"))
        );
    }

    #[test]
    fn the_file_overrides_defaults_and_flags_override_the_file() {
        let from_file = file("listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/odop\"\n");
        let settings = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &from_file);
        assert_eq!(settings.listen, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(
            settings.database.database,
            Database::SqliteFile(PathBuf::from("/srv/odop/odop.db"))
        );

        let settings = ServeSettings::resolve(
            &serve_args(
                Some("127.0.0.1:7000".parse().unwrap()),
                true,
                args(Some("/tmp/x"), Some("postgres://db/odop")),
            ),
            &from_file,
        );
        assert_eq!(settings.listen, "127.0.0.1:7000".parse().unwrap());
        assert!(!settings.migrate);
        assert_eq!(settings.database.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(settings.database.database, Database::Url("postgres://db/odop".into()));
    }

    #[test]
    fn serving_beyond_loopback_needs_the_public_address() {
        let open = file("listen = \"0.0.0.0:8080\"\n");
        let settings = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &open);
        let error = settings.check().unwrap_err().to_string();
        assert!(error.contains("--public-url"), "{error}");
        let named = file("listen = \"0.0.0.0:8080\"\npublic_url = \"https://odop.example\"\n");
        assert!(
            ServeSettings::resolve(&serve_args(None, false, args(None, None)), &named)
                .check()
                .is_ok()
        );
        let local = ServeSettings::resolve(&serve_args(None, false, args(None, None)), &FileConfig::default());
        assert!(local.check().is_ok(), "loopback needs no public address");
        let odd = file("public_url = \"odop.example\"\n");
        assert!(
            ServeSettings::resolve(&serve_args(None, false, args(None, None)), &odd)
                .check()
                .is_err()
        );
        let same = file("metrics_listen = \"127.0.0.1:8080\"\n");
        assert!(
            ServeSettings::resolve(&serve_args(None, false, args(None, None)), &same)
                .check()
                .is_err()
        );
    }

    #[test]
    fn a_misspelt_key_in_the_file_is_an_error() {
        let err = toml::from_str::<FileConfig>("lisen = \"0.0.0.0:1\"").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        assert!(toml::from_str::<FileConfig>("listen = \"not an address\"").is_err());
    }
}
