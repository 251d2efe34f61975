//! The Order Lambda function: its router under `/api`, on the Lambda runtime or as a plain server.

#[tokio::main]
async fn main() {
    handlers::lambda::run("order", handlers::order::router()).await;
}
