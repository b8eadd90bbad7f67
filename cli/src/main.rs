//! `netsplit`: run and check scenarios headlessly.
fn main() {
    println!("netsplit");
}
