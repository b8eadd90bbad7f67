//! Soaks for the kernel's own protocols: perfect links never duplicate or invent a message whatever the network
//! does, a link without dedup is caught duplicating, and the two generals are caught disagreeing.

use netsplit_core::explore::{soak, Budget, FaultKind};
use netsplit_core::protocols::{generals::Generals, link::Link};
use netsplit_core::scenario::Scenario;

fn link_base(dedup: bool, every: &str) -> Scenario {
    Scenario::parse(&format!(
        r#"{{"format":1,"id":"soak-link","protocol":"link","nodes":["A","B"],
            "params":{{"RTO":30,"dedup":{dedup},"sendEvery":{every}}},
            "schedule":[{{"at":0,"send":{{"node":"B","to":"A","payload":"hello"}}}}],"runUntil":1500}}"#
    ))
    .unwrap()
}

const NETWORK: [FaultKind; 8] = [
    FaultKind::Crash,
    FaultKind::Partition,
    FaultKind::Cut,
    FaultKind::Pause,
    FaultKind::Drop,
    FaultKind::Delay,
    FaultKind::Duplicate,
    FaultKind::Client,
];

#[test]
fn perfect_links_never_duplicate_or_invent_messages() {
    let mut b = Budget::new(&NETWORK, 8, 1200);
    b.heal_all_at = Some(1200);
    let r = soak::<Link>(&link_base(true, "15"), &b, 0..3000, 2, false, &|_| Ok(()));
    println!("perfect link: {}", r.summary());
    assert!(r.violated.is_empty(), "{}", r.explain_first());
    assert_eq!(r.runs, 3000);
}

#[test]
fn perfect_links_deliver_everything_once_the_network_heals() {
    // Scripted sends only (no periodic traffic), all before the heal at 800: by 1500 every one must be through.
    let mut b = Budget::new(&NETWORK, 10, 800);
    b.heal_all_at = Some(800);
    b.recover_probability = 1.0;
    let r = soak::<Link>(&link_base(true, "null"), &b, 0..1000, 2, true, &|sim| {
        let l = sim.liveness();
        let reliable = l.iter().find(|x| x.property == "PL-Reliable").expect("evaluated");
        if reliable.holds {
            Ok(())
        } else {
            Err(reliable.detail.clone())
        }
    });
    println!("perfect link liveness: {}", r.summary());
    assert!(r.first.is_none(), "{}", r.explain_first());
}

#[test]
fn a_link_without_dedup_is_caught_delivering_twice() {
    let b = Budget::new(&[FaultKind::Drop, FaultKind::Duplicate], 4, 1200);
    let r = soak::<Link>(&link_base(false, "15"), &b, 0..2000, 2, true, &|_| Ok(()));
    println!("link without dedup: {}", r.summary());
    let f = r.first.as_ref().expect("the soak finds a duplicate delivery");
    assert_eq!(f.violations[0].invariant, "PL-NoDup");
}

#[test]
fn every_two_generals_rule_is_caught_by_some_loss_pattern() {
    for rule in ["all", "any"] {
        let base = Scenario::parse(&format!(
            r#"{{"format":1,"id":"soak-generals","protocol":"generals","nodes":["A","B"],
                "params":{{"K":4,"dawn":200,"rule":"{rule}"}},"runUntil":300}}"#
        ))
        .unwrap();
        let b = Budget::new(&[FaultKind::Drop], 2, 60);
        let r = soak::<Generals>(&base, &b, 0..2000, 2, true, &|_| Ok(()));
        println!("generals rule {rule}: {}", r.summary());
        assert_eq!(r.first.expect("a loss pattern breaks agreement").violations[0].invariant, "TG-Agreement");
    }
}
