//! Your own code on every backend: `anyloop_bench::compare` runs it,
//! interleaved, and prints the table; the JSON, the chart and the HTML
//! report go to `target/anyloop-bench/<name>/`.
//!
//! ```text
//! cargo run --release -p anyloop-examples --bin compare
//! ```
//!
//! The code compared here is a small parser: four tasks each parse a block
//! of numbers and send their sums through a queue to the caller.

use std::process::ExitCode;

use anyloop::sync::queue;

/// Parses every comma-separated number of `text` and sums them.
fn parse_sum(text: &str) -> u64 {
    text.split(',')
        .filter_map(|n| n.trim().parse::<u64>().ok())
        .sum()
}

/// The code under comparison, written once against the ambient API.
async fn my_parser(blocks: &'static [String]) -> u64 {
    let (tx, rx) = queue::bounded(blocks.len());
    for block in blocks {
        let tx = tx.clone();
        anyloop::spawn(async move {
            let mut sum = 0;
            for line in block.lines() {
                sum += parse_sum(line);
                anyloop::task::yield_now().await; // let the others run
            }
            let _ = tx.put(sum).await;
        });
    }
    drop(tx);
    let mut total = 0;
    while let Ok(sum) = rx.get().await {
        total += sum;
    }
    total
}

fn main() -> ExitCode {
    // Four blocks of 200 lines of 50 numbers: 0..40_000 in all.
    let blocks: &'static [String] = Vec::leak(
        (0..4u64)
            .map(|b| {
                (0..200u64)
                    .map(|l| {
                        let first = (b * 200 + l) * 50;
                        (first..first + 50)
                            .map(|n| n.to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect(),
    );
    let expected: u64 = (0..40_000).sum();
    let result = anyloop_bench::compare("my parser", move || async move {
        let total = my_parser(blocks).await;
        assert_eq!(total, expected, "the parser summed wrong");
    });
    match result {
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
