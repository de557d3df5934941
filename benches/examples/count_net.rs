//! Counts what one socket round trip costs, for callgrind:
//! `valgrind --tool=callgrind target/release/examples/count_net <backend> <face> <op> <n>`
//! with `op` one of `tcp` (a 64-byte message written on one connection and
//! its echo read back, `write_all` + `read_exact` on both sides) and `udp`
//! (a 64-byte datagram sent with `send_to` and its echo received with
//! `recv_from`), run with two values of `n`: the difference of the
//! instruction counts, divided by the difference of `n`, is the cost of one
//! round trip (both sides, client and echo server, one runtime, loopback,
//! port 0). Set-up (bind, connect, the server's spawn) is the same in both
//! runs and cancels out.
//!
//! The kernel's work is not counted (callgrind counts user-space
//! instructions only), which is what anyloop can add: the system calls are
//! the same on every face. It also prints the loop's time per round trip in
//! nanoseconds.
//!
//! Faces: `native` (the runtime's own sockets and I/O extension traits),
//! `static` (`<Backend as Net>` types through `anyloop::rt`) and `ambient`
//! (`anyloop::net`). The round trips are `anyloop-bench --overhead`'s own
//! (run through `anyloop_bench::__private::run_op`, on its runtimes), so the
//! counts are of the code whose times that table shows.

fn main() {
    let usage = "usage: count_net <tokio|smol|async-std> <native|static|ambient> <tcp|udp> <n>";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [backend, face, op, n] = &args[..] else {
        panic!("{usage}");
    };
    assert!(matches!(op.as_str(), "tcp" | "udp"), "{usage}");
    let n: u64 = n.parse().expect(usage);
    let time = anyloop_bench::__private::run_op(op, backend, face, n).expect(usage);
    println!("{:.1}", time.as_secs_f64() * 1e9 / n as f64);
}
