//! Search relevance as a specification: the judged buyer queries of
//! `odop search-eval` over its hand-written listings among generated ones.
//! The figures at state scale are `bench/results/*-search-eval-*.md`; this
//! keeps a change that breaks a class of queries from landing unnoticed.

use odop::search_eval::{EvalOptions, evaluate};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn judged_buyer_queries_find_a_right_answer_in_the_top_five() {
    let report = evaluate(
        EvalOptions {
            generated: 2_000,
            seed: 1,
        },
        |_| {},
    )
    .await
    .expect("the evaluation runs");
    assert!(report.overall.queries >= 150, "{} queries", report.overall.queries);
    assert!(
        report.overall.found_at_5 >= 0.95,
        "fewer than 95 % of queries have a right answer in the top 5:\n{}",
        report.markdown()
    );
    for class in &report.classes {
        assert!(
            class.found_at_5 >= 0.90,
            "the {} queries fell below 90 %:\n{}",
            class.class,
            report.markdown()
        );
    }
}
