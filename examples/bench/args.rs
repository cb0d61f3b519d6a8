//! `--name value` options, with defaults at the point of use.

use std::collections::HashMap;

pub struct Options {
    values: HashMap<String, String>,
}

impl Options {
    pub fn parse(args: &[String]) -> Options {
        let mut values = HashMap::new();
        let mut iter = args.iter();
        while let Some(flag) = iter.next() {
            if let Some(name) = flag.strip_prefix("--") {
                let value = iter.next().cloned().unwrap_or_default();
                values.insert(name.to_owned(), value);
            }
        }
        Options { values }
    }

    pub fn text(&self, name: &str, default: &str) -> String {
        self.values
            .get(name)
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    }

    pub fn number(&self, name: &str, default: u64) -> u64 {
        self.values
            .get(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }

    pub fn list(&self, name: &str, default: &str) -> Vec<u64> {
        self.text(name, default)
            .split(',')
            .filter_map(|v| v.trim().parse().ok())
            .collect()
    }
}
