//! The integration tests, one binary: each module is one area (a command, a
//! behaviour of serve); `common` is the harness they share. One binary links
//! the crate once, where a binary per file linked it once per file.

mod common;

mod cli_backup;
mod cli_concurrent;
mod cli_dump;
mod cli_errors;
mod cli_export;
mod cli_export_pages;
mod cli_filters;
mod cli_import;
mod cli_import_progress;
mod cli_large_blocks;
mod cli_messages;
mod cli_offer_payout;
mod cli_prune;
mod cli_prune_references;
mod cli_query;
mod cli_reconcile;
mod cli_reindex;
mod cli_report;
mod cli_report_narrow;
mod cli_retention_age;
mod cli_serve;
mod cli_verify;
mod cli_verify_references;
mod deploy_files;
mod fuzz_inputs;
mod prune_stopped;
mod serve_amounts;
mod serve_archive_file;
mod serve_auth;
mod serve_backpressure;
mod serve_bad_input;
mod serve_beside_maintenance;
mod serve_compressed_bodies;
mod serve_crash;
mod serve_dated_by_arrival;
mod serve_disk_full;
mod serve_duplicates;
mod serve_limits;
mod serve_logs;
mod serve_metrics;
mod serve_misroute;
mod serve_restart;
mod serve_restore;
mod serve_samples;
mod serve_signals;
mod serve_stale_feed;
mod serve_tls;
mod serve_token;
mod store_migration;
mod terminal_tmux;
