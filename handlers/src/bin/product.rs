//! The Product Lambda function: its router under `/api`, on the Lambda runtime or as a plain server.

#[tokio::main]
async fn main() {
    handlers::lambda::run("product", |state| {
        handlers::product::router().with_state(state)
    })
    .await;
}
