use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = odop::cli::Cli::parse();
    match odop::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole chain of causes on one line.
            eprintln!("odop: {error:#}");
            ExitCode::FAILURE
        }
    }
}
