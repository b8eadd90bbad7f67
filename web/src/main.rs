//! Browser entry point: mounts the app into `<body>`.
fn main() {
    netsplit_web::start();
}
