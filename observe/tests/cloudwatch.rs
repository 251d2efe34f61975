//! The alarm board on AWS, read from CloudWatch (moto's, TEST_AWS_ENDPOINT_URL): the alarms of
//! the definition under the deployment's prefix, each with its state, last value and console
//! link; a burn alert's window alarms give the SLO's burn rates.

use aws_sdk_cloudwatch::types::{ComparisonOperator, StateValue, Statistic};
use observe::cloudwatch::CloudWatch;

async fn client() -> aws_sdk_cloudwatch::Client {
    let endpoint = std::env::var("TEST_AWS_ENDPOINT_URL")
        .expect("TEST_AWS_ENDPOINT_URL is not set: run scripts/test, which starts moto");
    let settings = platform::Settings::from_lookup(move |name| match name {
        "AWS_ENDPOINT_URL" => Some(endpoint.clone()),
        _ => None,
    })
    .unwrap();
    platform::aws::cloudwatch(&settings).await
}

async fn alarm(client: &aws_sdk_cloudwatch::Client, name: &str, state: StateValue, value: f64) {
    client
        .put_metric_alarm()
        .alarm_name(name)
        .namespace("Shop")
        .metric_name("Anything")
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    client
        .set_alarm_state()
        .alarm_name(name)
        .state_value(state)
        .state_reason("test")
        .state_reason_data(serde_json::json!({"recentDatapoints": [value]}).to_string())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn the_board_shows_each_deployed_alarm_with_its_state_value_and_link() {
    let client = client().await;
    let prefix = format!("t{}-", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    alarm(
        &client,
        &format!("{prefix}api-5xx-rate"),
        StateValue::Alarm,
        0.25,
    )
    .await;
    alarm(
        &client,
        &format!("{prefix}dlq-not-empty"),
        StateValue::Ok,
        0.0,
    )
    .await;
    alarm(
        &client,
        &format!("{prefix}order-decision-slo-fast-burn-long"),
        StateValue::Alarm,
        20.0,
    )
    .await;
    // Another deployment's alarm is not this board's.
    alarm(&client, "other-api-5xx-rate", StateValue::Alarm, 1.0).await;

    let cloudwatch = CloudWatch {
        client,
        prefix: prefix.clone(),
        region: "eu-west-1".into(),
    };
    let board = cloudwatch.board().await.unwrap();
    assert_eq!(board.source, "cloudwatch");
    let names: Vec<&str> = board.alarms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        vec!["api-5xx-rate", "dlq-not-empty"],
        "in the definition's order"
    );
    let failing = &board.alarms[0];
    assert_eq!(
        (failing.state.as_str(), failing.value),
        ("firing", Some(0.25))
    );
    assert_eq!(failing.threshold, 0.05, "the definition's threshold");
    assert!(failing.since.is_some());
    assert_eq!(
        failing.link.as_deref(),
        Some(format!("https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/{prefix}api-5xx-rate").as_str())
    );
    assert_eq!(board.alarms[1].state, "ok");
    let burn = |window: &str| {
        board
            .slo
            .burn_rates
            .iter()
            .find(|b| b.window == window)
            .unwrap()
            .rate
    };
    assert_eq!(burn("1h"), Some(20.0));
    assert_eq!(burn("5m"), None, "no short-window alarm was deployed");
    assert_eq!(board.slo.window, "30d");
}

#[tokio::test]
async fn a_panels_expression_is_asked_of_cloudwatch_and_read_as_series() {
    let client = client().await;
    let metric = format!("Panel{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let now = chrono::Utc::now();
    client
        .put_metric_data()
        .namespace("Shop")
        .metric_data(
            aws_sdk_cloudwatch::types::MetricDatum::builder()
                .metric_name(&metric)
                .value(3.0)
                .timestamp(aws_sdk_cloudwatch::primitives::DateTime::from_secs(
                    now.timestamp() - 120,
                ))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let cloudwatch = CloudWatch {
        client,
        prefix: "unused-".into(),
        region: "us-east-1".into(),
    };
    // The panel's own expression, sent unchanged. moto takes it and answers one empty series
    // (it does not evaluate SEARCH): what is tested here is the request and the reading of the
    // answer; the reading of full results is observe's unit test (`cloudwatch::tests`).
    let expression =
        format!("SUM(SEARCH('Namespace=\"Shop\" MetricName=\"{metric}\"', 'Sum', 60))");
    let answer = cloudwatch
        .metric_range(&expression, now - chrono::Duration::minutes(10), now, 60)
        .await;
    let range = answer.unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(range.step_seconds, 60);
    assert_eq!(range.series.len(), 1, "{range:?}");
    assert!(range.series[0].labels.contains_key("label"));
}
