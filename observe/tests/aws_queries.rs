//! The console's traces and Logs Insights on AWS, against moto (TEST_AWS_ENDPOINT_URL): X-Ray
//! segments put as a deployed service's collector puts them are read back (BatchGetTraces) as
//! the spans the local console draws, and a Logs Insights query goes to CloudWatch Logs and
//! comes back in the console's shape. moto evaluates neither language: its GetTraceSummaries
//! answers a filter expression "not implemented", and without one an answer the SDK cannot read
//! (`Users` an object where X-Ray sends a list); its StartQuery answers every query with the raw
//! records. So the expression the console sends, and a trace's line in the list, are tested in
//! observe's unit tests (`xray::tests`), and the query string is sent unchanged.

use chrono::{Duration, Utc};
use observe::cloudwatch_logs::LogsInsights;
use observe::xray::XRay;
use serde_json::json;

async fn config() -> aws_config::SdkConfig {
    let endpoint = eventstore::testing::moto_endpoint();
    let settings = platform::Settings::from_lookup(move |name| match name {
        "AWS_ENDPOINT_URL" => Some(endpoint.clone()),
        _ => None,
    })
    .unwrap();
    platform::aws::Clients::load(&settings)
        .await
        .config()
        .clone()
}

#[tokio::test]
async fn xray_segments_read_as_the_traces_and_spans_the_console_draws() {
    let config = config().await;
    let client = aws_sdk_xray::Client::new(&config);
    let now = Utc::now().timestamp_micros() as f64 / 1e6;
    let hex = uuid::Uuid::new_v4().simple().to_string();
    let trace_id = format!("{:08x}{}", now as u64, &hex[..24]);
    let xray_id = observe::xray::xray_id(&trace_id);
    let order = json!({
        "name": "order", "id": &hex[..16], "trace_id": xray_id,
        "start_time": now - 1.0, "end_time": now - 0.4, "fault": true,
        "http": {"request": {"method": "POST", "url": "https://shop.example/api/orders"}, "response": {"status": 500}},
        "annotations": {"order_id": "o-aws", "correlation_id": "c-aws"},
        "subsegments": [{"name": "SQS", "id": &hex[16..32], "namespace": "aws", "start_time": now - 0.9, "end_time": now - 0.8}]
    });
    client
        .put_trace_segments()
        .trace_segment_documents(order.to_string())
        .send()
        .await
        .unwrap();

    let xray = XRay { client };
    let detail = xray.trace(&trace_id).await.unwrap().expect("one trace");
    assert_eq!(detail.order_ids, ["o-aws"]);
    assert_eq!(detail.correlation_ids, ["c-aws"]);
    assert_eq!(detail.spans[1].kind, "client");
    assert_eq!(detail.spans[0].attributes["http.response.status_code"], 500);
    assert_eq!(
        (
            detail.spans[0].name.as_str(),
            detail.spans[0].status.as_str()
        ),
        ("POST /api/orders", "error")
    );
    let unknown = "0123456789abcdef0123456789abcdef";
    assert!(xray.trace(unknown).await.unwrap().is_none());
    // moto's graph has no services; the call and its answer's reading are what is tested here
    // (the reading of a full graph: observe's unit tests).
    let map = xray.service_map(10).await.unwrap();
    assert!(map.to > map.from);
}

#[tokio::test]
async fn a_logs_insights_query_runs_in_cloudwatch_logs_and_answers_in_the_consoles_shape() {
    let config = config().await;
    let client = aws_sdk_cloudwatchlogs::Client::new(&config);
    let group = format!(
        "/aws/lambda/t{}-order",
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    client
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    client
        .create_log_stream()
        .log_group_name(&group)
        .log_stream_name("2026/12/08/[$LATEST]abc")
        .send()
        .await
        .unwrap();
    let now = Utc::now();
    let line = json!({"level": "ERROR", "message": "append failed", "service": "order"});
    client
        .put_log_events()
        .log_group_name(&group)
        .log_stream_name("2026/12/08/[$LATEST]abc")
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(now.timestamp_millis() - 1000)
                .message(line.to_string())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    let logs = LogsInsights {
        client,
        log_groups: vec![group],
    };
    let answer = logs
        .run(
            "fields @timestamp, @message | sort @timestamp desc | limit 20",
            now - Duration::minutes(5),
            now + Duration::minutes(1),
        )
        .await
        .unwrap();
    assert_eq!(answer.status, "Complete");
    // The columns as the query names them; CloudWatch's record pointer left out.
    assert_eq!(answer.fields, ["@timestamp", "@message"]);
    assert_eq!(answer.results.len(), 1);
    assert!(answer.results[0].iter().all(|f| f.field != "@ptr"));
    let message = answer.results[0]
        .iter()
        .find(|f| f.field == "@message")
        .unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&message.value).unwrap();
    assert_eq!(parsed["message"], "append failed");
    // A series is drawn as locally: the chart comes from the query, whoever runs it.
    let series = logs
        .run("stats count(*) by bin(1m)", now - Duration::minutes(5), now)
        .await
        .unwrap();
    assert_eq!(
        series.chart.map(|c| c.time_field),
        Some("bin(1m)".to_string())
    );
}
