//! Property tests: whatever commands arrive, in whatever order, `Stock` never reports negative
//! availability, never reserves twice for one order, and its counters match its reservations.

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use proptest::prelude::*;
use uuid::Uuid;

use aggregates::{Stock, StockCommand};

fn command() -> impl Strategy<Value = StockCommand> {
    let order = (0u128..6).prop_map(Uuid::from_u128);
    prop_oneof![
        (0u32..50).prop_map(|quantity| StockCommand::Restock { quantity }),
        (order.clone(), 0u32..1100)
            .prop_map(|(order_id, quantity)| StockCommand::ReserveStock { order_id, quantity }),
        order.prop_map(|order_id| StockCommand::ReleaseReservation { order_id }),
    ]
}

fn execute(stock: &mut Stock, command: StockCommand) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let mut working = stock.clone();
    let sink = EventSink::default();
    if runtime
        .block_on(working.handle(command, &(), &sink))
        .is_ok()
    {
        for event in runtime.block_on(sink.collect()) {
            stock.apply(event);
        }
    }
}

proptest! {
    #[test]
    fn availability_never_goes_negative(initial in 0u32..20, commands in prop::collection::vec(command(), 1..60)) {
        let mut stock = Stock::default();
        execute(&mut stock, StockCommand::RegisterProduct {
            sku: "TEA-1".parse().unwrap(), name: "Tea".into(), description: String::new(),
            price_cents: 100.try_into().unwrap(), image_url: None, initial_stock: initial,
        });
        let mut received = initial;
        for command in commands {
            if let StockCommand::Restock { quantity } = command && quantity > 0 {
                received += quantity;
            }
            execute(&mut stock, command);
            prop_assert!(stock.reserved() <= stock.on_hand());
            prop_assert_eq!(stock.on_hand(), received);
            let held: u32 = (0u128..6).filter_map(|o| stock.reservation(Uuid::from_u128(o))).sum();
            prop_assert_eq!(held, stock.reserved());
        }
    }
}
