//! The Admin Lambda function: its router under `/api`, on the Lambda runtime or as a plain server.

#[tokio::main]
async fn main() {
    handlers::lambda::run("admin", |state| handlers::admin::router().with_state(state)).await;
}
