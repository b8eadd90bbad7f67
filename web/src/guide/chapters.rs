//! The guide's chapters (content only).
//!
//! Every step plays a preset up to `until` (true time, ms) and pauses there. The moments are chosen between events
//! (never exactly on one), so the screen is the same whether the player counts events at `until` or not; messages
//! sent just before `until` are on screen in flight. `core/tests/guide_data.rs` checks all of this against the
//! presets natively, and `web/tests/guide.rs` in the browser.

use super::{Chapter, Step, Text};

/// Every chapter, in reading order.
pub static CHAPTERS: &[Chapter] = &[
    GENERALS,
    LINKS,
    TWO_PC,
    TWO_PC_TERMINATION,
    THREE_PC,
    RAFT,
    RAFT_PARTITIONS,
    RAFT_FIGURE_8,
    CLOCKS,
    FENCING,
    MUTEX,
    QUORUMS,
];

const GENERALS: Chapter = Chapter {
    id: "generals",
    title: Text { en: "The two generals", ko: "두 장군 문제" },
    steps: &[
        Step { scenario: "NET-1-nolose", until: 5, nodes: &["A"], messages: &["M1"] },
        Step { scenario: "NET-1-nolose", until: 35, nodes: &["A", "B"], messages: &["M2", "M3"] },
        Step { scenario: "NET-1-nolose", until: 105, nodes: &["A", "B"], messages: &[] },
        Step { scenario: "NET-1", until: 25, nodes: &["A", "B"], messages: &["M3"] },
        Step { scenario: "NET-1", until: 105, nodes: &["A", "B"], messages: &["M3"] },
        Step { scenario: "NET-1-first", until: 105, nodes: &["A", "B"], messages: &[] },
        Step { scenario: "NET-1-any", until: 105, nodes: &["A", "B"], messages: &[] },
    ],
};

const LINKS: Chapter = Chapter {
    id: "links",
    title: Text {
        en: "Reliable links: retransmission, duplicates, dedup",
        ko: "신뢰성 있는 링크: 재전송, 중복, 중복 제거",
    },
    steps: &[
        Step { scenario: "NET-2", until: 5, nodes: &["A"], messages: &["DATA"] },
        Step { scenario: "NET-2", until: 45, nodes: &["A", "B"], messages: &["DATA", "ACK"] },
        Step { scenario: "NET-2", until: 77, nodes: &["B"], messages: &["DATA", "ACK"] },
        Step { scenario: "NET-2", until: 90, nodes: &["A"], messages: &["ACK"] },
        Step { scenario: "NET-2-nodedup", until: 77, nodes: &["B"], messages: &["DATA"] },
        Step { scenario: "NET-2-rto-inf", until: 200, nodes: &["A", "B"], messages: &["DATA"] },
        Step { scenario: "NET-2-forget", until: 45, nodes: &["B"], messages: &["DATA", "ACK"] },
        Step { scenario: "NET-2-remember", until: 45, nodes: &["B"], messages: &["DATA", "ACK"] },
        Step { scenario: "NET-2-fifo", until: 65, nodes: &["B"], messages: &["DATA"] },
    ],
};

const TWO_PC: Chapter = Chapter {
    id: "2pc",
    title: Text { en: "2PC: the bank transfer", ko: "2단계 커밋: 계좌 이체" },
    steps: &[
        Step { scenario: "2PC-1", until: 5, nodes: &["TC"], messages: &["PREPARE"] },
        Step { scenario: "2PC-1", until: 15, nodes: &["K", "S"], messages: &["VOTE"] },
        Step { scenario: "2PC-1", until: 25, nodes: &["TC"], messages: &["DECISION"] },
        Step { scenario: "2PC-1", until: 45, nodes: &["K", "S", "TC"], messages: &["ACK"] },
        Step { scenario: "2PC-2b", until: 35, nodes: &["K", "TC", "S"], messages: &["VOTE", "DECISION"] },
        Step { scenario: "2PC-3", until: 65, nodes: &["S", "TC", "K"], messages: &["PREPARE", "DECISION"] },
        Step { scenario: "2PC-4", until: 35, nodes: &["S", "TC"], messages: &["VOTE", "DECISION"] },
        Step { scenario: "2PC-4", until: 325, nodes: &["S"], messages: &["VOTE", "DECISION_REQ", "DECISION"] },
        Step { scenario: "2PC-4b", until: 305, nodes: &["S"], messages: &["VOTE"] },
    ],
};

const TWO_PC_TERMINATION: Chapter = Chapter {
    id: "2pc-termination",
    title: Text {
        en: "2PC: coordinator failures, cooperative termination and blocking",
        ko: "2단계 커밋: 코디네이터 장애, 협력적 종료, 블로킹",
    },
    steps: &[
        Step { scenario: "2PC-8b", until: 25, nodes: &["TC", "K", "S"], messages: &["VOTE"] },
        Step { scenario: "2PC-8b", until: 135, nodes: &["K", "S"], messages: &["DECISION_REQ", "DECISION_RESP"] },
        Step { scenario: "2PC-8b", until: 1015, nodes: &["TC", "K", "S"], messages: &["DECISION"] },
        Step { scenario: "2PC-6", until: 135, nodes: &["S", "K"], messages: &["DECISION_REQ", "DECISION_RESP"] },
        Step { scenario: "2PC-9", until: 115, nodes: &["TC", "K", "S"], messages: &["DECISION"] },
        Step { scenario: "2PC-5", until: 225, nodes: &["S", "K", "TC"], messages: &["DECISION_REQ"] },
        Step { scenario: "2PC-7", until: 135, nodes: &["S", "K"], messages: &["DECISION_REQ", "DECISION_RESP"] },
        Step {
            scenario: "2PC-7b",
            until: 135,
            nodes: &["K", "S"],
            messages: &["PREPARE", "DECISION_REQ", "DECISION_RESP"],
        },
        Step { scenario: "2PC-8", until: 25, nodes: &["TC"], messages: &["VOTE"] },
        Step { scenario: "2PC-8", until: 345, nodes: &["K", "S"], messages: &["DECISION_REQ", "DECISION_RESP"] },
        Step { scenario: "2PC-8", until: 1015, nodes: &["TC", "K", "S"], messages: &["DECISION"] },
    ],
};

const THREE_PC: Chapter = Chapter {
    id: "3pc",
    title: Text {
        en: "3PC: non-blocking termination, and how a partition breaks it",
        ko: "3단계 커밋: 논블로킹 종료, 그리고 네트워크 분할",
    },
    steps: &[
        Step { scenario: "3PC-4", until: 25, nodes: &["C"], messages: &["VOTE", "PRE_COMMIT"] },
        Step { scenario: "3PC-4", until: 55, nodes: &["P1", "P2", "P3", "C"], messages: &["ACK", "COMMIT"] },
        Step { scenario: "3PC-1", until: 35, nodes: &["C", "P1"], messages: &["PRE_COMMIT", "ACK"] },
        Step { scenario: "3PC-1", until: 135, nodes: &["P1", "P2", "P3"], messages: &["STATE_REQ"] },
        Step { scenario: "3PC-1", until: 155, nodes: &["P1"], messages: &["STATE_REPORT", "PRE_COMMIT"] },
        Step { scenario: "3PC-1", until: 185, nodes: &["P1", "P2", "P3"], messages: &["ACK", "COMMIT"] },
        Step { scenario: "3PC-1", until: 1025, nodes: &["C"], messages: &["DECISION_REQ", "COMMIT"] },
        Step { scenario: "3PC-2", until: 145, nodes: &["P1", "P2", "P3"], messages: &["STATE_REPORT", "ABORT"] },
        Step { scenario: "3PC-3", until: 35, nodes: &["C", "P1", "P2", "P3"], messages: &["PRE_COMMIT"] },
        Step { scenario: "3PC-3", until: 85, nodes: &["C", "P1"], messages: &["COMMIT"] },
        Step { scenario: "3PC-3", until: 245, nodes: &["P2", "P3"], messages: &["STATE_REQ", "STATE_REPORT", "ABORT"] },
    ],
};

const RAFT: Chapter = Chapter {
    id: "raft",
    title: Text { en: "Raft: leader election and log replication", ko: "Raft: 리더 선출과 로그 복제" },
    steps: &[
        Step { scenario: "RAFT-1", until: 155, nodes: &["n1"], messages: &["RequestVote"] },
        Step { scenario: "RAFT-1", until: 175, nodes: &["n1"], messages: &["RequestVoteResponse", "AppendEntries"] },
        Step { scenario: "RAFT-1", until: 305, nodes: &["n1"], messages: &["AppendEntries"] },
        Step { scenario: "RAFT-1", until: 325, nodes: &["n1"], messages: &["AppendEntriesResponse"] },
        Step { scenario: "RAFT-1", until: 335, nodes: &["n2", "n3", "n4", "n5"], messages: &["AppendEntries"] },
        Step { scenario: "RAFT-leader-crash", until: 585, nodes: &["n1", "n2"], messages: &["RequestVote"] },
        Step {
            scenario: "RAFT-leader-crash",
            until: 675,
            nodes: &["n2"],
            messages: &["RequestVoteResponse", "AppendEntries"],
        },
        Step { scenario: "RAFT-leader-crash", until: 815, nodes: &["n1"], messages: &["AppendEntries"] },
        Step {
            scenario: "RAFT-split-vote",
            until: 175,
            nodes: &["n1", "n2", "n3", "n4"],
            messages: &["RequestVote", "RequestVoteResponse"],
        },
        Step {
            scenario: "RAFT-split-vote",
            until: 335,
            nodes: &["n1"],
            messages: &["RequestVote", "RequestVoteResponse"],
        },
    ],
};

const RAFT_PARTITIONS: Chapter = Chapter {
    id: "raft-partitions",
    title: Text { en: "Raft: partitions and PreVote", ko: "Raft: 네트워크 분할과 PreVote" },
    steps: &[
        Step { scenario: "RAFT-3", until: 465, nodes: &["n1", "n2"], messages: &["AppendEntries"] },
        Step {
            scenario: "RAFT-3",
            until: 655,
            nodes: &["n3", "n1"],
            messages: &["RequestVote", "RequestVoteResponse"],
        },
        Step { scenario: "RAFT-3", until: 805, nodes: &["n3", "n1"], messages: &["AppendEntries"] },
        Step { scenario: "RAFT-3", until: 1015, nodes: &["n1", "n2"], messages: &["AppendEntries"] },
        Step { scenario: "RAFT-3b", until: 805, nodes: &["n1", "n3"], messages: &["PreVote", "AppendEntries"] },
        Step { scenario: "RAFT-6a", until: 1085, nodes: &["n5"], messages: &["RequestVote"] },
        Step {
            scenario: "RAFT-6a",
            until: 1515,
            nodes: &["n5", "n1"],
            messages: &["AppendEntriesResponse", "RequestVote"],
        },
        Step { scenario: "RAFT-6b", until: 1055, nodes: &["n5"], messages: &["PreVote"] },
        Step { scenario: "RAFT-6b", until: 1355, nodes: &["n5", "n1"], messages: &["AppendEntries"] },
    ],
};

const RAFT_FIGURE_8: Chapter = Chapter {
    id: "raft-figure8",
    title: Text { en: "Raft: Figure 8 and the commit rule", ko: "Raft: 그림 8과 커밋 규칙" },
    steps: &[
        Step { scenario: "RAFT-5a", until: 192, nodes: &["n1", "n2"], messages: &["AppendEntries"] },
        Step { scenario: "RAFT-5a", until: 255, nodes: &["n5"], messages: &["RequestVote", "RequestVoteResponse"] },
        Step { scenario: "RAFT-5a", until: 372, nodes: &["n1", "n2", "n3"], messages: &["AppendEntries"] },
        Step { scenario: "RAFT-5a", until: 485, nodes: &["n5"], messages: &["AppendEntries"] },
        Step { scenario: "RAFT-5a", until: 525, nodes: &["n5"], messages: &["AppendEntriesResponse"] },
        Step { scenario: "RAFT-5b", until: 362, nodes: &["n1"], messages: &["AppendEntriesResponse"] },
        Step { scenario: "RAFT-5b", until: 455, nodes: &["n5"], messages: &["RequestVote", "RequestVoteResponse"] },
        Step { scenario: "RAFT-5b", until: 495, nodes: &["n5", "n1"], messages: &["AppendEntries"] },
        Step { scenario: "RAFT-noop", until: 575, nodes: &["n2"], messages: &["AppendEntries"] },
    ],
};

const CLOCKS: Chapter = Chapter {
    id: "clocks",
    title: Text {
        en: "Time: Lamport clocks, wall clocks and last-write-wins",
        ko: "시간: 램포트 시계, 벽시계, 최종 쓰기 승리(LWW)",
    },
    steps: &[
        Step { scenario: "CLK-1", until: 22, nodes: &["P1", "P2"], messages: &["MSG"] },
        Step { scenario: "CLK-1", until: 37, nodes: &["P2", "P3"], messages: &["MSG"] },
        Step { scenario: "CLK-1", until: 60, nodes: &["P1", "P2", "P3"], messages: &["MSG"] },
        Step { scenario: "CLK-1-jump", until: 27, nodes: &["P2"], messages: &["MSG"] },
        Step { scenario: "CLK-1-amnesia", until: 62, nodes: &["P2"], messages: &["MSG"] },
        Step { scenario: "CLK-2", until: 115, nodes: &["n3"], messages: &["REPL"] },
        Step { scenario: "CLK-2", until: 165, nodes: &["n1"], messages: &["REPL"] },
        Step { scenario: "CLK-2", until: 175, nodes: &["n2", "n3"], messages: &["REPL"] },
        Step { scenario: "CLK-2-lamport", until: 175, nodes: &["n1"], messages: &["REPL"] },
        Step { scenario: "CLK-2-jump", until: 305, nodes: &["n1"], messages: &["REPL"] },
    ],
};

const FENCING: Chapter = Chapter {
    id: "fencing",
    title: Text { en: "Time: leases and fencing tokens", ko: "시간: 리스와 펜싱 토큰" },
    steps: &[
        Step { scenario: "CLK-3", until: 55, nodes: &["c1", "LS"], messages: &["ACQUIRE", "GRANT"] },
        Step { scenario: "CLK-3", until: 195, nodes: &["LS", "c2", "St"], messages: &["GRANT", "WRITE"] },
        Step { scenario: "CLK-3", until: 315, nodes: &["c1", "St"], messages: &["WRITE"] },
        Step { scenario: "CLK-3-fenced", until: 315, nodes: &["St"], messages: &["WRITE", "REJECT"] },
        Step {
            scenario: "FEN-jump",
            until: 105,
            nodes: &["LS", "c1", "c2", "St"],
            messages: &["GRANT", "WRITE", "REJECT"],
        },
        Step { scenario: "FEN-late", until: 245, nodes: &["c1", "St"], messages: &["WRITE"] },
    ],
};

const MUTEX: Chapter = Chapter {
    id: "mutex",
    title: Text { en: "Time: Lamport's mutual exclusion", ko: "시간: 램포트의 상호 배제" },
    steps: &[
        Step { scenario: "MUTEX-1", until: 27, nodes: &["P1", "P2"], messages: &["REQUEST", "ACK"] },
        Step { scenario: "MUTEX-1", until: 115, nodes: &["P1", "P2", "P3"], messages: &["RELEASE"] },
        Step { scenario: "MUTEX-2-reorder", until: 27, nodes: &["P2", "P1"], messages: &["REQUEST", "ACK"] },
        Step { scenario: "MUTEX-2-reorder", until: 72, nodes: &["P1", "P2"], messages: &["REQUEST", "ACK"] },
        Step { scenario: "MUTEX-3-crash", until: 250, nodes: &["P1", "P2", "P3"], messages: &["REQUEST"] },
    ],
};

const QUORUMS: Chapter = Chapter {
    id: "quorums",
    title: Text { en: "Quorums: R + W > N, and a stale read", ko: "쿼럼: R + W > N과 오래된 읽기" },
    steps: &[
        Step { scenario: "QRM-1-A", until: 105, nodes: &["App", "db3"], messages: &["WRITE"] },
        Step { scenario: "QRM-1-A", until: 125, nodes: &["App", "db1", "db2"], messages: &["ACK"] },
        Step { scenario: "QRM-1-A", until: 225, nodes: &["App", "db3", "db2"], messages: &["READ", "REPLY"] },
        Step { scenario: "QRM-1-B", until: 225, nodes: &["App", "db3"], messages: &["READ", "REPLY"] },
        Step { scenario: "QRM-1-B", until: 625, nodes: &["db3", "App"], messages: &["READ", "REPLY"] },
        Step { scenario: "QRM-4-W0", until: 175, nodes: &["App"], messages: &["WRITE", "READ", "REPLY"] },
        Step { scenario: "QRM-2", until: 185, nodes: &["App", "db1"], messages: &["READ", "REPLY"] },
        Step { scenario: "QRM-3-repair", until: 235, nodes: &["App", "db3"], messages: &["READ", "REPLY", "WRITE"] },
    ],
};
