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
        Step {
            text: Text {
                en: "Generals A and B must attack together or not at all, and their only way to agree is a messenger \
                     crossing enemy land: a network that can lose messages. A has just sent M1, \"attack at dawn\"; \
                     watch it travel toward B.",
                ko: "장군 A와 B는 함께 공격하거나 아예 공격하지 말아야 하고, 합의할 수단은 적진을 가로지르는 전령, 곧 \
                     메시지를 잃을 수 있는 네트워크뿐입니다. A가 방금 M1 \"새벽에 공격\"을 보냈습니다. M1이 B 쪽으로 \
                     가는 것을 지켜보세요.",
            },
            scenario: "NET-1-nolose",
            until: 5,
            nodes: &["A"],
            messages: &["M1"],
        },
        Step {
            text: Text {
                en: "B got M1 at t=10 and answered with M2; A confirmed that answer with M3, which reached B at t=30. \
                     The rule at dawn: A attacks only if it received M2, B only if it received both M1 and M3. Every \
                     message after M1 is an acknowledgement, because its sender cannot otherwise know that the \
                     previous one arrived.",
                ko: "B는 t=10에 M1을 받고 M2로 답했고, A는 그 답을 다시 M3로 확인했으며 M3는 t=30에 B에 도착했습니다. \
                     새벽의 규칙: A는 M2를 받았을 때만, B는 M1과 M3를 모두 받았을 때만 공격합니다. M1 다음의 메시지는 \
                     모두 확인 메시지입니다. 보낸 쪽은 앞 메시지가 도착했는지 달리 알 길이 없기 때문입니다.",
            },
            scenario: "NET-1-nolose",
            until: 35,
            nodes: &["A", "B"],
            messages: &["M2", "M3"],
        },
        Step {
            text: Text {
                en: "Dawn, t=100: nothing was lost, so both attack. TG-Agreement (never attack alone) and TG-Progress \
                     (attack if no messenger is lost) both hold, but only because the network happened to lose \
                     nothing.",
                ko: "새벽(t=100): 잃어버린 전령이 없으니 둘 다 공격합니다. TG-Agreement(혼자 공격하지 않는다)와 \
                     TG-Progress(전령을 잃지 않으면 공격한다)가 모두 성립하지만, 그건 네트워크가 우연히 아무것도 잃지 \
                     않았기 때문입니다.",
            },
            scenario: "NET-1-nolose",
            until: 105,
            nodes: &["A", "B"],
            messages: &[],
        },
        Step {
            text: Text {
                en: "Same plan, but now the last messenger, M3, is captured the moment A sends it at t=20. A cannot \
                     tell: from where A stands, this run looks exactly like the one in which M3 arrived.",
                ko: "같은 계획이지만 이번에는 마지막 전령 M3가 t=20에 A를 떠나자마자 붙잡힙니다. A는 이를 알 수 \
                     없습니다. A의 입장에서 이 실행은 M3가 도착한 실행과 똑같아 보입니다.",
            },
            scenario: "NET-1",
            until: 25,
            nodes: &["A", "B"],
            messages: &["M3"],
        },
        Step {
            text: Text {
                en: "At dawn A has M2 and attacks, while B lacks M3 and retreats: TG-Agreement turns red at t=100. \
                     Letting B attack without M3 only moves the problem to M2, and from there back to M1: no finite \
                     exchange of messages survives every loss pattern.",
                ko: "새벽에 A는 M2를 받았으니 공격하고, B는 M3가 없으니 후퇴합니다. t=100에 TG-Agreement가 빨갛게 \
                     바뀝니다. B가 M3 없이도 공격하게 바꾸면 문제가 M2로, 다시 M1로 옮겨 갈 뿐입니다. 메시지를 유한 \
                     번 주고받는 어떤 프로토콜도 모든 손실 패턴을 견디지 못합니다.",
            },
            scenario: "NET-1",
            until: 105,
            nodes: &["A", "B"],
            messages: &["M3"],
        },
        Step {
            text: Text {
                en: "If the very first messenger is captured, B never hears the plan, no acknowledgement comes back, \
                     and both retreat. They agree, and progress was not owed because a messenger was lost: safety is \
                     easy to keep when nobody acts.",
                ko: "첫 전령 M1이 붙잡히면 B는 계획을 듣지 못하고 확인도 돌아오지 않아 둘 다 후퇴합니다. 둘의 행동은 \
                     일치하고, 전령을 잃었으니 진행(TG-Progress)도 요구되지 않습니다. 아무도 행동하지 않으면 안전성은 \
                     쉽게 지켜집니다.",
            },
            scenario: "NET-1-first",
            until: 105,
            nodes: &["A", "B"],
            messages: &[],
        },
        Step {
            text: Text {
                en: "An optimistic rule (A, who proposed, always attacks; B attacks if it heard anything) breaks on \
                     the loss of M1 instead: A attacks alone. Every rule has some loss pattern that breaks agreement \
                     or progress. In the 2PC chapters attacking becomes committing, which is why 2PC relies on logs \
                     and timeouts and still cannot finish in every failure.",
                ko: "낙관적인 규칙(제안한 A는 항상 공격하고, B는 무엇이든 들었으면 공격)은 이번에는 M1 하나를 잃는 \
                     것으로 깨집니다. A 혼자 공격합니다. 어떤 규칙이든 합의나 진행을 깨는 손실 패턴이 있습니다. 2단계 \
                     커밋 장에서 '공격'은 '커밋'이 되고, 그래서 2PC는 로그와 타임아웃에 기대면서도 모든 장애에서 끝을 \
                     낼 수는 없습니다.",
            },
            scenario: "NET-1-any",
            until: 105,
            nodes: &["A", "B"],
            messages: &[],
        },
    ],
};

const LINKS: Chapter = Chapter {
    id: "links",
    title: Text {
        en: "Reliable links: retransmission, duplicates, dedup",
        ko: "신뢰성 있는 링크: 재전송, 중복, 중복 제거",
    },
    steps: &[
        Step {
            text: Text {
                en: "Node A (bank K) sends \"credit Bob 1000\" to node B (bank S) as DATA seq 1, and the network \
                     drops it at once. A has already written the message to its stable log and armed a 30 ms \
                     retransmission timer (RTO): on a lossy link, only the sender's stubbornness turns a loss into a \
                     delay.",
                ko: "노드 A(K 은행)가 노드 B(S 은행)에게 \"Bob에게 1000원 입금\"을 DATA(순번 1)로 보내지만 네트워크가 \
                     곧바로 버립니다. A는 이미 메시지를 안정 저장소의 로그에 적고 30 ms 재전송 타이머(RTO)를 걸어 \
                     두었습니다. 메시지를 잃는 링크에서 손실을 지연으로 바꾸는 것은 보내는 쪽의 끈질긴 \
                     재전송뿐입니다.",
            },
            scenario: "NET-2",
            until: 5,
            nodes: &["A"],
            messages: &["DATA"],
        },
        Step {
            text: Text {
                en: "The RTO fired at t=30 and the retransmission reached B at t=40: B handed the transfer to the \
                     application (Bob +1000) and sent an ACK, but that ACK is lost too. A cannot tell a lost DATA \
                     from a lost ACK, so it has to keep retransmitting.",
                ko: "t=30에 RTO가 만료되어 다시 보냈고, t=40에 B에 도착했습니다. B는 이체를 애플리케이션에 전달(Bob \
                     +1000)하고 ACK를 보냈지만 그 ACK도 사라집니다. A는 DATA를 잃은 것인지 ACK를 잃은 것인지 구별할 \
                     수 없으니 계속 재전송해야 합니다.",
            },
            scenario: "NET-2",
            until: 45,
            nodes: &["A", "B"],
            messages: &["DATA", "ACK"],
        },
        Step {
            text: Text {
                en: "A retransmitted at t=60 and the network duplicated that copy, so B receives seq 1 again at t=70 \
                     and at t=75. B remembers that seq 1 was delivered and discards both copies, but it ACKs each \
                     one, because the ACK is what stops the sender.",
                ko: "A가 t=60에 다시 보냈고 네트워크가 그 사본을 복제해서, B는 t=70과 t=75에 순번 1을 또 받습니다. \
                     B는 순번 1을 이미 전달했다고 기억하므로 두 사본을 버리지만, 사본마다 ACK는 보냅니다. 보내는 쪽을 \
                     멈추게 하는 것이 ACK이기 때문입니다.",
            },
            scenario: "NET-2",
            until: 77,
            nodes: &["B"],
            messages: &["DATA", "ACK"],
        },
        Step {
            text: Text {
                en: "An ACK finally reaches A at t=80: A removes seq 1 from its unacknowledged list and cancels the \
                     timer, and the second ACK at t=85 changes nothing. Three transmissions plus a network duplicate, \
                     yet Bob is credited once: retransmission plus dedup gives exactly-once processing, the perfect \
                     link.",
                ko: "t=80에 드디어 ACK가 A에 도착합니다. A는 순번 1을 미확인 목록에서 지우고 타이머를 취소하며, \
                     t=85의 두 번째 ACK는 아무것도 바꾸지 않습니다. 세 번 전송하고 네트워크가 하나를 더 복제했지만 \
                     Bob은 한 번만 입금받습니다. 재전송과 중복 제거를 합치면 정확히 한 번 처리(exactly-once \
                     processing), 곧 완전 링크(perfect link)가 됩니다.",
            },
            scenario: "NET-2",
            until: 90,
            nodes: &["A"],
            messages: &["ACK"],
        },
        Step {
            text: Text {
                en: "The same losses without dedup at the receiver: every copy is handed to the application. PL-NoDup \
                     turns red at t=70, and by t=75 Bob has been credited three times. Retransmission alone gives \
                     at-least-once delivery, which is wrong for an operation that is not idempotent, like a transfer.",
                ko: "같은 손실 패턴인데 받는 쪽에서 중복을 제거하지 않으면 모든 사본이 애플리케이션에 전달됩니다. \
                     t=70에 PL-NoDup이 빨갛게 바뀌고, t=75까지 Bob은 세 번 입금받습니다. 재전송만으로는 '최소 한 번' \
                     전달이 될 뿐이고, 이체처럼 멱등하지 않은 연산에는 틀린 결과를 냅니다.",
            },
            scenario: "NET-2-nodedup",
            until: 77,
            nodes: &["B"],
            messages: &["DATA"],
        },
        Step {
            text: Text {
                en: "The opposite choice, never retransmitting (RTO = infinity), gives at-most-once delivery: the \
                     only DATA was lost and B never learns of the transfer. PL-Reliable fails at the end of the run: \
                     no duplicates, but nothing delivered either.",
                ko: "반대로 재전송을 아예 하지 않으면(RTO = 무한대) '최대 한 번' 전달이 됩니다. 하나뿐인 DATA를 \
                     잃었으니 B는 이체를 영영 알지 못합니다. 실행이 끝날 때 PL-Reliable이 실패합니다. 중복은 없지만 \
                     전달된 것도 없습니다.",
            },
            scenario: "NET-2-rto-inf",
            until: 200,
            nodes: &["A", "B"],
            messages: &["DATA"],
        },
        Step {
            text: Text {
                en: "Dedup state has to survive crashes. Here B delivers the transfer at t=10 (its ACK is lost), \
                     crashes at t=20 and recovers at t=25 with its in-memory dedup set empty. The retransmission that \
                     arrives at t=40 looks new, Bob is credited twice, and PL-NoDup turns red.",
                ko: "중복 제거 상태도 크래시를 견뎌야 합니다. B는 t=10에 이체를 전달하지만(ACK는 사라짐) t=20에 \
                     크래시하고, t=25에 복구될 때 메모리에만 있던 중복 제거 집합은 비어 있습니다. t=40에 도착한 \
                     재전송이 새 메시지처럼 보여 Bob은 두 번 입금받고 PL-NoDup이 빨갛게 바뀝니다.",
            },
            scenario: "NET-2-forget",
            until: 45,
            nodes: &["B"],
            messages: &["DATA", "ACK"],
        },
        Step {
            text: Text {
                en: "The same crash, but B writes its \"seq 1 delivered\" record atomically with Bob's credit. After \
                     recovery the retransmission at t=40 is recognised as a duplicate: discarded and ACKed, and Bob \
                     is credited once.",
                ko: "같은 크래시지만 이번에는 B가 \"순번 1 전달됨\" 기록을 Bob의 입금과 원자적으로 함께 저장합니다. \
                     복구 후 t=40에 온 재전송은 중복으로 인식되어 버려지고 ACK만 나가며, Bob은 한 번만 입금받습니다.",
            },
            scenario: "NET-2-remember",
            until: 45,
            nodes: &["B"],
            messages: &["DATA", "ACK"],
        },
        Step {
            text: Text {
                en: "FIFO order can be added on top. m1 is delayed by 50 ms, so m2 and m3 arrive first (t=11, t=12): \
                     B acknowledges them but holds them back, and when m1 arrives at t=60 it delivers m1, m2, m3 in \
                     order. Lamport's mutual exclusion, later in the tour, depends on exactly this kind of channel.",
                ko: "그 위에 FIFO 순서를 더할 수도 있습니다. m1이 50 ms 지연되어 m2와 m3가 먼저 도착하면(t=11, t=12) \
                     B는 ACK는 보내되 전달은 미뤄 두고, t=60에 m1이 오면 m1, m2, m3 순서로 전달합니다. 뒤에서 볼 \
                     램포트 상호 배제가 바로 이런 FIFO 채널을 전제로 합니다.",
            },
            scenario: "NET-2-fifo",
            until: 65,
            nodes: &["B"],
            messages: &["DATA"],
        },
    ],
};

const TWO_PC: Chapter = Chapter {
    id: "2pc",
    title: Text { en: "2PC: the bank transfer", ko: "2단계 커밋: 계좌 이체" },
    steps: &[
        Step {
            text: Text {
                en: "Alice at bank K pays Bob at bank S 1,000 won. The coordinator TC first writes BEGIN to its log, \
                     then asks both banks with PREPARE whether they can commit their part (K: debit Alice; S: credit \
                     Bob).",
                ko: "K 은행의 Alice가 S 은행의 Bob에게 1,000원을 보냅니다. 코디네이터 TC는 먼저 로그에 BEGIN을 쓰고, \
                     두 은행(참여자)에 PREPARE로 각자 맡은 일을 커밋할 수 있는지 묻습니다(K: Alice 출금, S: Bob \
                     입금).",
            },
            scenario: "2PC-1",
            until: 5,
            nodes: &["TC"],
            messages: &["PREPARE"],
        },
        Step {
            text: Text {
                en: "Each bank locks the account, writes PREPARED to its log, and only then votes YES: write-ahead. \
                     From now on K and S are PREPARED: they have promised to commit if told to, and may no longer \
                     abort on their own.",
                ko: "각 은행은 계좌를 잠그고 로그에 PREPARED를 쓴 다음에야 YES로 투표합니다(로그 선행 기록). 이제 K와 \
                     S는 PREPARED 상태입니다. 커밋하라면 커밋하겠다고 약속했으므로 더 이상 혼자서 중단(abort)할 수 \
                     없습니다.",
            },
            scenario: "2PC-1",
            until: 15,
            nodes: &["K", "S"],
            messages: &["VOTE"],
        },
        Step {
            text: Text {
                en: "Both YES votes arrived at t=20, so TC writes COMMIT to its log: this write is the commit point \
                     of the transaction. Only once it is durable does TC send the COMMIT decision to the banks.",
                ko: "t=20에 YES 두 표가 모두 도착했으므로 TC는 로그에 COMMIT을 씁니다. 이 기록이 트랜잭션의 커밋 \
                     지점입니다. 이 기록이 안정 저장소에 남은 뒤에야 TC는 두 은행에 COMMIT 결정을 보냅니다.",
            },
            scenario: "2PC-1",
            until: 25,
            nodes: &["TC"],
            messages: &["DECISION"],
        },
        Step {
            text: Text {
                en: "At t=30 K debits Alice (49,000 won) and S credits Bob (21,000 won), each logging COMMIT together \
                     with the balance change, and both ACK. TC writes END at t=40 and may forget the transaction. \
                     Three message delays, no violations.",
                ko: "t=30에 K는 Alice의 계좌에서 출금하고(49,000원) S는 Bob에게 입금하며(21,000원), 각자 잔액 변경과 \
                     함께 COMMIT을 로그에 쓰고 ACK를 보냅니다. t=40에 TC가 END를 쓰면 이 트랜잭션을 잊어도 됩니다. \
                     메시지 지연 세 번, 위반은 없습니다.",
            },
            scenario: "2PC-1",
            until: 45,
            nodes: &["K", "S", "TC"],
            messages: &["ACK"],
        },
        Step {
            text: Text {
                en: "Now Alice has only 800 won. K cannot debit 1,000, so it logs ABORT and votes NO. A single NO is \
                     enough: TC aborts at t=20, and S, which had prepared, aborts and releases its lock at t=30. No \
                     money moves.",
                ko: "이번에는 Alice의 잔액이 800원뿐이어서 K는 1,000원을 출금할 수 없으므로, ABORT를 로그에 쓰고 NO로 \
                     투표합니다. NO 한 표면 충분합니다. TC는 t=20에 중단하고, 이미 준비했던 S도 t=30에 중단하며 \
                     잠금을 풉니다. 돈은 움직이지 않습니다.",
            },
            scenario: "2PC-2b",
            until: 35,
            nodes: &["K", "TC", "S"],
            messages: &["VOTE", "DECISION"],
        },
        Step {
            text: Text {
                en: "Bank S crashes at t=5, before PREPARE reaches it, so it never votes. TC will not wait forever: \
                     its vote timer fires at t=50 and it aborts, and K, which had voted YES, aborts at t=60. When S \
                     recovers at t=300 with an empty log it aborts on its own, which is safe because it never \
                     promised anything.",
                ko: "S 은행이 t=5에, PREPARE가 도착하기 전에 크래시해서 투표하지 못합니다. TC는 무한정 기다리지 \
                     않습니다. t=50에 투표 타이머가 만료되자 중단하고, YES로 투표했던 K도 t=60에 중단합니다. S는 \
                     t=300에 빈 로그로 복구되면 스스로 중단하는데, 아무것도 약속한 적이 없으니 안전합니다.",
            },
            scenario: "2PC-3",
            until: 65,
            nodes: &["S", "TC", "K"],
            messages: &["PREPARE", "DECISION"],
        },
        Step {
            text: Text {
                en: "This time S logs PREPARED, votes YES and crashes right after sending its vote (t=10). The vote \
                     still counts: TC commits at t=20 and K debits Alice at t=30, while the COMMIT for S is dropped \
                     because S is down. S's YES was a promise backed by its log.",
                ko: "이번에는 S가 PREPARED를 로그에 쓰고 YES를 보낸 직후(t=10) 크래시합니다. 그래도 투표는 \
                     유효합니다. TC는 t=20에 커밋하고 K는 t=30에 Alice의 계좌에서 출금하지만, S는 다운되어 있어 S에게 \
                     가는 COMMIT은 버려집니다. S의 YES는 로그가 뒷받침하는 약속이었습니다.",
            },
            scenario: "2PC-4",
            until: 35,
            nodes: &["S", "TC"],
            messages: &["VOTE", "DECISION"],
        },
        Step {
            text: Text {
                en: "S recovers at t=300, finds PREPARED in its log and is still uncertain: it takes its lock again, \
                     re-sends its YES vote to TC and asks K with DECISION_REQ. TC answers the late vote with COMMIT \
                     and S credits Bob at t=320. Meanwhile TC had been resending COMMIT every 100 ms, and it writes \
                     END once S acknowledges.",
                ko: "S는 t=300에 복구되어 로그에서 PREPARED를 찾고, 여전히 결과를 모르는 상태입니다. 잠금을 다시 \
                     잡고, TC에 YES 투표를 다시 보내고, K에게는 DECISION_REQ로 묻습니다. TC가 늦게 온 투표에 \
                     COMMIT으로 답하자 S는 t=320에 Bob에게 입금합니다. 그동안 TC는 100 ms마다 COMMIT을 재전송하고 \
                     있었고, S의 ACK를 받으면 END를 씁니다.",
            },
            scenario: "2PC-4",
            until: 325,
            nodes: &["S"],
            messages: &["VOTE", "DECISION_REQ", "DECISION"],
        },
        Step {
            text: Text {
                en: "What if S had voted YES without logging PREPARED first? WAL-1 turns red at t=10. S recovers at \
                     t=300 with an empty log, believes it never voted and aborts, while TC and K have committed: \
                     AC-Agreement and APP-Conservation turn red, and Alice alone has lost 1,000 won.",
                ko: "S가 PREPARED를 로그에 쓰지 않고 YES를 보냈다면 어떨까요? t=10에 WAL-1이 빨갛게 바뀝니다. S는 \
                     t=300에 빈 로그로 복구되어 투표한 적이 없다고 믿고 중단하지만, TC와 K는 이미 커밋했습니다. \
                     AC-Agreement와 APP-Conservation이 빨갛게 바뀌고, Alice만 1,000원을 잃습니다.",
            },
            scenario: "2PC-4b",
            until: 305,
            nodes: &["S"],
            messages: &["VOTE"],
        },
    ],
};

const TWO_PC_TERMINATION: Chapter = Chapter {
    id: "2pc-termination",
    title: Text {
        en: "2PC: coordinator failures, cooperative termination and blocking",
        ko: "2단계 커밋: 코디네이터 장애, 협력적 종료, 블로킹",
    },
    steps: &[
        Step {
            text: Text {
                en: "Both banks voted YES, and at t=20 TC crashes just before writing COMMIT. Its log holds only \
                     BEGIN, so no decision exists anywhere yet. K and S are PREPARED and may not abort on their own.",
                ko: "두 은행 모두 YES로 투표했고, t=20에 TC는 COMMIT을 쓰기 직전에 크래시합니다. 로그에는 BEGIN뿐이니 \
                     아직 어디에도 결정은 없습니다. K와 S는 PREPARED 상태라 혼자 중단할 수 없습니다.",
            },
            scenario: "2PC-8b",
            until: 25,
            nodes: &["TC", "K", "S"],
            messages: &["VOTE"],
        },
        Step {
            text: Text {
                en: "At t=110 the banks' decision timers fire and each asks TC (down) and the other bank with \
                     DECISION_REQ: this is cooperative termination. Both answer UNCERTAIN, since each only knows its \
                     own YES. Neither may commit (the other might have voted NO) nor abort (TC might have committed), \
                     so both are blocked, holding their locks and asking again every 100 ms.",
                ko: "t=110에 두 은행의 결정 타이머가 만료되어 각자 TC(다운)와 상대 은행에게 DECISION_REQ로 묻습니다. \
                     이것이 협력적 종료 프로토콜입니다. 둘 다 자기 YES밖에 모르니 UNCERTAIN으로 답합니다. 상대가 \
                     NO였을 수 있어 커밋할 수도, TC가 커밋했을 수 있어 중단할 수도 없으므로 둘 다 잠금을 쥔 채 \
                     블로킹되어 100 ms마다 다시 묻습니다.",
            },
            scenario: "2PC-8b",
            until: 135,
            nodes: &["K", "S"],
            messages: &["DECISION_REQ", "DECISION_RESP"],
        },
        Step {
            text: Text {
                en: "TC recovers at t=1000 with BEGIN but no decision in its log, so it presumes abort: nobody can \
                     have committed, because COMMIT is only ever sent after it has been logged. K and S abort at \
                     t=1010. Keep this run in mind: the end of this chapter replays it with the COMMIT write done \
                     just before the crash.",
                ko: "TC는 t=1000에 복구되는데 로그에 BEGIN만 있고 결정이 없으므로 중단을 추정(presumed abort)합니다. \
                     COMMIT은 로그에 쓴 뒤에만 보내므로 커밋한 참여자가 있을 수 없기 때문입니다. K와 S는 t=1010에 \
                     중단합니다. 이 장의 끝에서는 크래시 직전에 COMMIT 기록을 마친 같은 실행을 보게 되니, 이 실행을 \
                     기억해 두세요.",
            },
            scenario: "2PC-8b",
            until: 1015,
            nodes: &["TC", "K", "S"],
            messages: &["DECISION"],
        },
        Step {
            text: Text {
                en: "Now TC logs COMMIT and crashes after telling only K (t=20). When S's timer fires at t=110 it \
                     asks K, which has committed and answers COMMIT, so S credits Bob at t=130 without waiting for \
                     TC, which only returns at t=300. What the peer knows decides the outcome; this is the second of \
                     the four cases.",
                ko: "이번에는 TC가 COMMIT을 로그에 쓰고 K에게만 알린 뒤 크래시합니다(t=20). t=110에 S의 타이머가 \
                     만료되어 K에게 묻자, 이미 커밋한 K가 COMMIT으로 답하고 S는 t=130에 Bob에게 입금합니다. t=300에야 \
                     돌아오는 TC를 기다리지 않습니다. 결과는 상대 참여자가 무엇을 아느냐에 달렸고, 이것이 네 가지 \
                     경우 중 두 번째입니다.",
            },
            scenario: "2PC-6",
            until: 135,
            nodes: &["S", "K"],
            messages: &["DECISION_REQ", "DECISION_RESP"],
        },
        Step {
            text: Text {
                en: "Why must TC log its decision before sending it? With that write switched off, TC sends COMMIT to \
                     K (WAL-2 turns red at t=20) and crashes. It recovers at t=100 with only BEGIN, presumes abort \
                     and so contradicts itself: AC-Irrevocability and AC-Agreement turn red, and 1,000 won vanishes \
                     when S aborts at t=110 while K keeps its COMMIT.",
                ko: "TC는 왜 결정을 보내기 전에 로그에 써야 할까요? 그 기록을 끄면 TC는 K에게 COMMIT을 보내고(t=20에 \
                     WAL-2가 빨갛게 바뀜) 크래시합니다. t=100에 BEGIN만 남은 로그로 복구되어 중단을 추정하니 스스로 \
                     결정을 뒤집는 셈입니다. AC-Irrevocability와 AC-Agreement가 빨갛게 바뀌고, K는 COMMIT을 유지한 채 \
                     S가 t=110에 중단하면서 1,000원이 사라집니다.",
            },
            scenario: "2PC-9",
            until: 115,
            nodes: &["TC", "K", "S"],
            messages: &["DECISION"],
        },
        Step {
            text: Text {
                en: "Case 1: TC sent COMMIT to K and crashed, and K crashed too (t=25) before it arrived. S asks at \
                     t=110 and t=210, but nobody answers: no process S can reach knows the outcome, so S stays \
                     blocked. It commits only when TC recovers and resends COMMIT at t=400.",
                ko: "첫 번째 경우: TC는 K에게 COMMIT을 보내고 크래시했고, K도 그것이 도착하기 전(t=25)에 \
                     크래시했습니다. S가 t=110과 t=210에 묻지만 아무도 답하지 않습니다. S가 닿을 수 있는 누구도 \
                     결과를 모르니 S는 계속 블로킹됩니다. TC가 t=400에 복구되어 COMMIT을 재전송해야 비로소 \
                     커밋합니다.",
            },
            scenario: "2PC-5",
            until: 225,
            nodes: &["S", "K", "TC"],
            messages: &["DECISION_REQ"],
        },
        Step {
            text: Text {
                en: "Case 3: K voted NO; TC logged ABORT at t=20 and crashed before telling anyone. S asks K at \
                     t=110, K answers ABORT, and S aborts at t=130: a participant that voted NO knows the outcome for \
                     sure.",
                ko: "세 번째 경우: K는 NO로 투표했고, TC는 t=20에 ABORT를 로그에 쓴 뒤 누구에게도 알리기 전에 \
                     크래시했습니다. S가 t=110에 K에게 묻자 K는 ABORT로 답하고 S는 t=130에 중단합니다. NO로 투표한 \
                     참여자는 결과를 확실히 압니다.",
            },
            scenario: "2PC-7",
            until: 135,
            nodes: &["S", "K"],
            messages: &["DECISION_REQ", "DECISION_RESP"],
        },
        Step {
            text: Text {
                en: "Case 3′: the PREPARE to K was lost, and TC crashed at t=30 while still waiting for votes. Asked \
                     by S at t=120, K is still in INIT; having never voted, it aborts on the spot and answers ABORT, \
                     since TC cannot have committed without K's YES. S aborts at t=130.",
                ko: "세 번째 경우의 변형(3′): K에게 가는 PREPARE가 사라졌고, TC는 아직 투표를 기다리던 t=30에 \
                     크래시했습니다. t=120에 S의 질문을 받은 K는 여전히 INIT 상태이므로, 투표한 적이 없는 K는 그 \
                     자리에서 중단하고 ABORT로 답합니다. K의 YES 없이 TC가 커밋했을 리 없기 때문입니다. S는 t=130에 \
                     중단합니다.",
            },
            scenario: "2PC-7b",
            until: 135,
            nodes: &["K", "S"],
            messages: &["PREPARE", "DECISION_REQ", "DECISION_RESP"],
        },
        Step {
            text: Text {
                en: "Case 4, the worst moment: the run from the start of this chapter, except that TC does write \
                     COMMIT at t=20 before it crashes. The transaction is now committed, durably, but the only record \
                     of that is on a crashed machine.",
                ko: "네 번째 경우, 가장 나쁜 순간입니다. 이 장 처음의 실행과 같지만, 이번에는 TC가 t=20에 COMMIT을 \
                     로그에 쓴 뒤 크래시합니다. 이제 트랜잭션은 확실히 커밋되었지만, 그 기록은 멈춰 버린 서버에만 \
                     있습니다.",
            },
            scenario: "2PC-8",
            until: 25,
            nodes: &["TC"],
            messages: &["VOTE"],
        },
        Step {
            text: Text {
                en: "K asks S, S asks K, and every answer is UNCERTAIN, round after round, exactly as before: from \
                     the banks' side the two runs cannot be told apart. Both banks show \"blocked since 110\" and \
                     keep their locks: Alice's money is frozen and no other transaction can touch either account.",
                ko: "K는 S에게, S는 K에게 묻지만 매 라운드 답은 처음 실행과 똑같이 UNCERTAIN입니다. 은행 쪽에서는 두 \
                     실행을 구별할 수 없습니다. 두 은행에 \"차단됨, 시작: 110\"이 표시되고 잠금은 그대로여서, Alice의 \
                     돈은 묶이고 다른 트랜잭션은 두 계좌 어느 쪽에도 손댈 수 없습니다.",
            },
            scenario: "2PC-8",
            until: 345,
            nodes: &["K", "S"],
            messages: &["DECISION_REQ", "DECISION_RESP"],
        },
        Step {
            text: Text {
                en: "Only when TC recovers at t=1000, finds COMMIT in its log and resends it do K and S commit \
                     (t=1010): one log write separates this outcome from the abort at the start of the chapter. For \
                     900 ms no participant could finish: 2PC is a blocking protocol, safe but not live while the \
                     coordinator is down. The next chapter adds a phase to remove exactly this case.",
                ko: "TC가 t=1000에 복구되어 로그의 COMMIT을 보고 다시 보낸 뒤에야 K와 S가 커밋하고(t=1010), 이 장 \
                     처음의 중단과 이 커밋을 가른 것은 로그 기록 하나뿐입니다. 900 ms 동안 어떤 참여자도 끝낼 수 \
                     없었으니, 2PC는 코디네이터가 다운된 동안 안전성은 지키지만 활성(liveness)은 지키지 못하는 블로킹 \
                     프로토콜입니다. 다음 장은 바로 이 경우를 없애려고 단계를 하나 더합니다.",
            },
            scenario: "2PC-8",
            until: 1015,
            nodes: &["TC", "K", "S"],
            messages: &["DECISION"],
        },
    ],
};

const THREE_PC: Chapter = Chapter {
    id: "3pc",
    title: Text {
        en: "3PC: non-blocking termination, and how a partition breaks it",
        ko: "3단계 커밋: 논블로킹 종료, 그리고 네트워크 분할",
    },
    steps: &[
        Step {
            text: Text {
                en: "3PC adds a phase between voting and committing. Coordinator C has three YES votes, but instead \
                     of committing it first sends PRE_COMMIT, which tells each participant that everyone voted YES.",
                ko: "3단계 커밋은 투표와 커밋 사이에 단계를 하나 더 넣습니다. 코디네이터 C는 YES 세 표를 받았지만 \
                     바로 커밋하지 않고 먼저 PRE_COMMIT을 보냅니다. 이 메시지는 모두가 YES로 투표했다는 사실을 각 \
                     참여자에게 알립니다.",
            },
            scenario: "3PC-4",
            until: 25,
            nodes: &["C"],
            messages: &["VOTE", "PRE_COMMIT"],
        },
        Step {
            text: Text {
                en: "On PRE_COMMIT the participants move from UNCERTAIN to COMMITTABLE and ACK (t=30); with every ACK \
                     in, C logs COMMIT (t=40) and all commit at t=50, one round trip later than 2PC. The point: C \
                     never commits while a live participant is still merely UNCERTAIN.",
                ko: "PRE_COMMIT을 받은 참여자들은 UNCERTAIN에서 COMMITTABLE로 바뀌고 ACK를 보냅니다(t=30). ACK가 모두 \
                     모이면 C는 COMMIT을 로그에 쓰고(t=40), t=50에 모두 커밋합니다. 2PC보다 왕복이 한 번 더 듭니다. \
                     핵심은 살아 있는 참여자가 아직 UNCERTAIN인 동안에는 C가 절대 커밋하지 않는다는 점입니다.",
            },
            scenario: "3PC-4",
            until: 55,
            nodes: &["P1", "P2", "P3", "C"],
            messages: &["ACK", "COMMIT"],
        },
        Step {
            text: Text {
                en: "Now C crashes at t=20, right after sending PRE_COMMIT to P1 alone. P1 is COMMITTABLE, while P2 \
                     and P3 are still UNCERTAIN. In 2PC this would be the blocking situation.",
                ko: "이번에는 C가 t=20에 P1에게만 PRE_COMMIT을 보낸 직후 크래시합니다. P1은 COMMITTABLE이고, P2와 \
                     P3는 여전히 UNCERTAIN입니다. 2PC였다면 블로킹되는 상황입니다.",
            },
            scenario: "3PC-1",
            until: 35,
            nodes: &["C", "P1"],
            messages: &["PRE_COMMIT", "ACK"],
        },
        Step {
            text: Text {
                en: "At t=110 P2 and P3 time out, suspect C, and elect the smallest unsuspected id, P1, as \
                     termination coordinator. At t=130 P1's own timer fires; it takes the job and asks everyone's \
                     state with STATE_REQ.",
                ko: "t=110에 P2와 P3가 타임아웃으로 C를 장애로 간주하고, 의심받지 않는 가장 작은 id인 P1을 종료 \
                     코디네이터로 선출합니다. t=130에 P1도 자기 타이머가 만료되어 그 역할을 맡고 STATE_REQ로 모두의 \
                     상태를 묻습니다.",
            },
            scenario: "3PC-1",
            until: 135,
            nodes: &["P1", "P2", "P3"],
            messages: &["STATE_REQ"],
        },
        Step {
            text: Text {
                en: "The reports are P1 = COMMITTABLE, P2 = UNCERTAIN, P3 = UNCERTAIN. Someone is COMMITTABLE and \
                     nobody has decided, so rule TR4 applies: C might have committed, and P1 finishes the job by \
                     sending PRE_COMMIT to the uncertain participants.",
                ko: "보고는 P1 = COMMITTABLE, P2 = UNCERTAIN, P3 = UNCERTAIN입니다. COMMITTABLE이 있고 아직 아무도 \
                     결정하지 않았으므로 규칙 TR4가 적용됩니다. C가 커밋했을 수도 있으니, P1은 UNCERTAIN인 \
                     참여자들에게 PRE_COMMIT을 보내 일을 마무리합니다.",
            },
            scenario: "3PC-1",
            until: 155,
            nodes: &["P1"],
            messages: &["STATE_REPORT", "PRE_COMMIT"],
        },
        Step {
            text: Text {
                en: "P2 and P3 ACK, P1 logs COMMIT at t=170, and everyone has committed by t=180 with C still down. \
                     Compare the last 2PC chapter, where the banks stayed blocked until the coordinator returned: \
                     this is what non-blocking means.",
                ko: "P2와 P3가 ACK를 보내자 P1은 t=170에 COMMIT을 로그에 쓰고, C가 여전히 다운된 채로 t=180까지 모두 \
                     커밋합니다. 코디네이터가 돌아올 때까지 은행들이 블로킹되었던 앞 장의 2PC와 비교해 보세요. 이것이 \
                     논블로킹의 의미입니다.",
            },
            scenario: "3PC-1",
            until: 185,
            nodes: &["P1", "P2", "P3"],
            messages: &["ACK", "COMMIT"],
        },
        Step {
            text: Text {
                en: "C recovers at t=1000 with BEGIN and no decision. Unlike a 2PC coordinator it must not presume \
                     abort, since the others may have committed without it: it asks with DECISION_REQ and adopts \
                     COMMIT at t=1020.",
                ko: "C는 t=1000에 BEGIN만 있고 결정은 없는 로그로 복구됩니다. 2PC 코디네이터와 달리 중단을 추정해서는 \
                     안 됩니다. 나머지가 C 없이 커밋했을 수 있기 때문입니다. DECISION_REQ로 물어서 t=1020에 COMMIT을 \
                     받아들입니다.",
            },
            scenario: "3PC-1",
            until: 1025,
            nodes: &["C"],
            messages: &["DECISION_REQ", "COMMIT"],
        },
        Step {
            text: Text {
                en: "If C crashes before sending any PRE_COMMIT, P1 collects three UNCERTAIN states at t=130 and rule \
                     TR3 aborts: had C committed, at least one live participant would be COMMITTABLE. Everyone has \
                     decided by t=140.",
                ko: "C가 PRE_COMMIT을 하나도 보내기 전에 크래시하면, P1은 t=130에 UNCERTAIN 셋을 모으고 규칙 TR3에 \
                     따라 중단합니다. C가 커밋했다면 살아 있는 참여자 중 적어도 하나는 COMMITTABLE이었을 것이기 \
                     때문입니다. t=140까지 모두 결정을 마칩니다.",
            },
            scenario: "3PC-2",
            until: 145,
            nodes: &["P1", "P2", "P3"],
            messages: &["STATE_REPORT", "ABORT"],
        },
        Step {
            text: Text {
                en: "These guarantees assume crashes only, and timeouts that never lie. At t=25 a network partition \
                     separates {C, P1} from {P2, P3}: P1 receives its PRE_COMMIT, but the ones for P2 and P3 are \
                     destroyed in flight.",
                ko: "이런 보장은 크래시만 일어나고 타임아웃이 절대 틀리지 않는다는 가정 위에 있습니다. t=25에 \
                     네트워크 분할이 {C, P1}과 {P2, P3}를 갈라놓습니다. P1은 PRE_COMMIT을 받지만 P2와 P3로 가던 것은 \
                     전송 중에 사라집니다.",
            },
            scenario: "3PC-3",
            until: 35,
            nodes: &["C", "P1", "P2", "P3"],
            messages: &["PRE_COMMIT"],
        },
        Step {
            text: Text {
                en: "C's ACK timer fires at t=70. It takes the missing ACKs to mean that P2 and P3 crashed, as 3PC \
                     allows, and commits: 3PC-NB turns red, because P2 and P3 are alive and UNCERTAIN. P1 commits at \
                     t=80.",
                ko: "t=70에 C의 ACK 타이머가 만료됩니다. C는 3PC가 허용하는 대로 ACK가 없는 P2와 P3를 크래시한 것으로 \
                     보고 커밋합니다. P2와 P3는 살아 있고 UNCERTAIN이므로 3PC-NB가 빨갛게 바뀝니다. P1은 t=80에 \
                     커밋합니다.",
            },
            scenario: "3PC-3",
            until: 85,
            nodes: &["C", "P1"],
            messages: &["COMMIT"],
        },
        Step {
            text: Text {
                en: "On the other side P2 and P3 wait for P1 in vain, suspect it at t=210 and elect P2, which sees \
                     only UNCERTAIN states and aborts by TR3 at t=230: AC-Agreement turns red. The heal at t=500 \
                     repairs nothing, since decisions are final. 3PC is non-blocking but unsafe under partitions; \
                     consensus, next, survives them with majorities.",
                ko: "반대편의 P2와 P3는 P1을 기다려도 소용이 없자 t=210에 P1도 의심하고 P2를 선출합니다. P2는 \
                     UNCERTAIN 상태만 보고 TR3에 따라 t=230에 중단하고, AC-Agreement가 빨갛게 바뀝니다. 결정은 되돌릴 \
                     수 없으니 t=500의 분할 복구도 아무것도 고치지 못합니다. 3PC는 논블로킹이지만 네트워크 분할에서는 \
                     안전하지 않고, 다음 장의 합의 알고리즘은 과반수로 분할을 견딥니다.",
            },
            scenario: "3PC-3",
            until: 245,
            nodes: &["P2", "P3"],
            messages: &["STATE_REQ", "STATE_REPORT", "ABORT"],
        },
    ],
};

const RAFT: Chapter = Chapter {
    id: "raft",
    title: Text { en: "Raft: leader election and log replication", ko: "Raft: 리더 선출과 로그 복제" },
    steps: &[
        Step {
            text: Text {
                en: "Five servers start as followers, each with an election timeout (pinned here: n1 150 ms, n2 200, \
                     up to n5 350). n1's fires first, at t=150: it becomes a candidate for term 1, votes for itself \
                     (persisted), and sends RequestVote to the others.",
                ko: "서버 다섯 대가 모두 팔로워로 시작하고, 각자 선거 타임아웃이 있습니다(여기서는 n1 150 ms, n2 200 \
                     ms, …, n5 350 ms로 고정). t=150에 n1의 타이머가 먼저 만료되어 n1은 term 1의 후보가 되고, \
                     자신에게 투표한 뒤(안정 저장소에 기록) 나머지에게 RequestVote를 보냅니다.",
            },
            scenario: "RAFT-1",
            until: 155,
            nodes: &["n1"],
            messages: &["RequestVote"],
        },
        Step {
            text: Text {
                en: "Each follower adopts term 1, records its vote durably and grants it. At t=170 n1 holds 3 of 5 \
                     votes (its own, n2, n3), a majority, and becomes leader; it immediately sends empty \
                     AppendEntries as heartbeats so that nobody else starts an election.",
                ko: "각 팔로워는 term 1을 받아들이고, 투표를 안정 저장소에 기록한 뒤 표를 줍니다. t=170에 n1은 다섯 \
                     표 중 세 표(자신, n2, n3), 즉 과반수를 얻어 리더가 됩니다. 곧바로 빈 AppendEntries를 하트비트로 \
                     보내 다른 서버가 선거를 시작하지 않게 합니다.",
            },
            scenario: "RAFT-1",
            until: 175,
            nodes: &["n1"],
            messages: &["RequestVoteResponse", "AppendEntries"],
        },
        Step {
            text: Text {
                en: "A client asks the leader for x=1 at t=300. n1 appends it to its log at index 1, term 1, and \
                     sends it to every follower in AppendEntries. It is not committed yet.",
                ko: "t=300에 클라이언트가 리더에게 x=1을 요청합니다. n1은 이를 term 1의 인덱스 1로 자기 로그에 \
                     추가하고 AppendEntries에 실어 모든 팔로워에게 보냅니다. 아직 커밋된 것은 아닙니다.",
            },
            scenario: "RAFT-1",
            until: 305,
            nodes: &["n1"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "The followers store the entry at t=310 and reply. At t=320 the entry is on a majority, so n1 \
                     commits index 1, applies x=1 and answers the client. The followers hold the entry but do not \
                     know yet that it is committed.",
                ko: "팔로워들은 t=310에 엔트리를 저장하고 응답합니다. t=320에 엔트리가 과반수에 복제되었으므로 n1은 \
                     인덱스 1을 커밋하고 x=1을 적용한 뒤 클라이언트에게 응답합니다. 팔로워들은 엔트리를 가지고 있지만 \
                     커밋되었다는 사실은 아직 모릅니다.",
            },
            scenario: "RAFT-1",
            until: 325,
            nodes: &["n1"],
            messages: &["AppendEntriesResponse"],
        },
        Step {
            text: Text {
                en: "The next heartbeat carries leaderCommit = 1, and at t=330 every follower applies x=1 too. There \
                     is no separate commit message: the commit index travels with ordinary AppendEntries.",
                ko: "다음 하트비트에 leaderCommit = 1이 실려 가고, t=330에 모든 팔로워도 x=1을 적용합니다. 커밋을 \
                     알리는 별도 메시지는 없습니다. 커밋 인덱스는 평범한 AppendEntries에 실려 전해집니다.",
            },
            scenario: "RAFT-1",
            until: 335,
            nodes: &["n2", "n3", "n4", "n5"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "Leader n1 crashes at t=400, after x=1 was committed. The heartbeats stop, and n2, whose timeout \
                     is the shortest left (200 ms after the last heartbeat at t=380), becomes a candidate for term 2 \
                     at t=580.",
                ko: "리더 n1이 x=1을 커밋한 뒤 t=400에 크래시합니다. 하트비트가 끊기자, 남은 서버 중 타임아웃이 가장 \
                     짧은 n2가(t=380의 마지막 하트비트 후 200 ms) t=580에 term 2의 후보가 됩니다.",
            },
            scenario: "RAFT-leader-crash",
            until: 585,
            nodes: &["n1", "n2"],
            messages: &["RequestVote"],
        },
        Step {
            text: Text {
                en: "n3, n4 and n5 vote for n2, which leads term 2 from t=600: four live servers out of five are \
                     still a majority. Its log already holds x=1, so the committed entry survives the change of \
                     leader. The new leader accepts x=2 at t=650 and commits it at t=670.",
                ko: "n3, n4, n5가 n2에게 투표해 n2는 t=600부터 term 2의 리더가 됩니다. 다섯 대 중 살아 있는 네 대는 \
                     여전히 과반수입니다. n2의 로그에는 이미 x=1이 있으니 커밋된 엔트리는 리더가 바뀌어도 \
                     살아남습니다. 새 리더는 t=650에 x=2를 받아 t=670에 커밋합니다.",
            },
            scenario: "RAFT-leader-crash",
            until: 675,
            nodes: &["n2"],
            messages: &["RequestVoteResponse", "AppendEntries"],
        },
        Step {
            text: Text {
                en: "n1 recovers at t=800 as a follower. Its term, vote and log survived, but its commit index \
                     restarts at 0, so it assumes nothing is committed. n2's next AppendEntries (t=810) brings term \
                     2, the entry x=2 and commit index 2, and n1 applies x=1 and x=2 again.",
                ko: "n1은 t=800에 팔로워로 복구됩니다. term, 투표, 로그는 남아 있지만 커밋 인덱스는 0부터 다시 \
                     시작하므로 아무것도 커밋되었다고 가정하지 않습니다. t=810에 n2의 AppendEntries가 term 2, 엔트리 \
                     x=2, 커밋 인덱스 2를 가져오고, n1은 x=1과 x=2를 다시 적용합니다.",
            },
            scenario: "RAFT-leader-crash",
            until: 815,
            nodes: &["n1"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "Split vote: four servers with the same 150 ms timeout all become candidates for term 1 at once, \
                     each votes for itself and refuses the others. Nobody reaches the majority of 3, so term 1 ends \
                     without a leader.",
                ko: "표 분산(split vote): 타임아웃이 똑같이 150 ms인 서버 네 대가 동시에 term 1의 후보가 되어 각자 \
                     자신에게 투표하고 다른 후보는 거절합니다. 아무도 과반수인 세 표에 이르지 못해 term 1은 리더 없이 \
                     끝납니다.",
            },
            scenario: "RAFT-split-vote",
            until: 175,
            nodes: &["n1", "n2", "n3", "n4"],
            messages: &["RequestVote", "RequestVoteResponse"],
        },
        Step {
            text: Text {
                en: "Their next timeouts differ (random in real Raft, pinned here), so n1 times out alone at t=310, \
                     starts term 2 and wins it at t=330. Randomized timeouts make repeated split votes unlikely, not \
                     impossible.",
                ko: "다음 타임아웃은 서로 다르므로(실제 Raft에서는 무작위, 여기서는 고정값) n1이 t=310에 혼자 \
                     타임아웃되어 term 2를 시작하고 t=330에 당선됩니다. 무작위 타임아웃은 표 분산이 반복될 가능성을 \
                     낮출 뿐, 없애지는 못합니다.",
            },
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
        Step {
            text: Text {
                en: "At t=400 a partition cuts leader n1 and n2 off from n3, n4 and n5. n1 still believes it leads \
                     term 1 and appends x=2 at t=450, but only n2 stores it: 2 of 5 is not a majority, so x=2 can \
                     never be committed.",
                ko: "t=400에 네트워크 분할이 리더 n1과 n2를 n3, n4, n5로부터 떼어 놓습니다. n1은 여전히 자신이 term \
                     1의 리더라고 믿고 t=450에 x=2를 추가하지만, 이를 저장한 것은 n2뿐입니다. 다섯 중 둘은 과반수가 \
                     아니므로 x=2는 결코 커밋될 수 없습니다.",
            },
            scenario: "RAFT-3",
            until: 465,
            nodes: &["n1", "n2"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "On the majority side n3 hears no heartbeat, times out at t=630 and wins term 2 at t=650 with the \
                     votes of n4 and n5. There are now two leaders, n1 in term 1 and n3 in term 2; Election Safety \
                     only demands one leader per term, and it holds.",
                ko: "과반수 쪽에서는 n3가 하트비트를 받지 못해 t=630에 타임아웃되고, t=650에 n4와 n5의 표로 term 2의 \
                     리더가 됩니다. 이제 리더가 둘, 곧 term 1의 n1과 term 2의 n3입니다. Election Safety는 term마다 \
                     리더가 하나일 것만 요구하므로 성립합니다.",
            },
            scenario: "RAFT-3",
            until: 655,
            nodes: &["n3", "n1"],
            messages: &["RequestVote", "RequestVoteResponse"],
        },
        Step {
            text: Text {
                en: "n3 commits x=3 at index 2 on {n3, n4, n5} at t=720. Meanwhile the stale leader n1 accepts x=4 at \
                     t=800; it will never commit, and its client never gets an answer. This is the split brain that \
                     majorities make harmless.",
                ko: "n3는 t=720에 {n3, n4, n5}에서 x=3을 인덱스 2로 커밋합니다. 그 사이 낡은 리더 n1은 t=800에 \
                     x=4까지 받아들이지만, 이는 결코 커밋되지 않고 그 클라이언트는 응답을 받지 못합니다. 과반수 \
                     규칙이 무해하게 만드는 스플릿 브레인(split brain)입니다.",
            },
            scenario: "RAFT-3",
            until: 805,
            nodes: &["n3", "n1"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "The partition heals at t=1000 and n3's next heartbeat reaches n1 and n2 at t=1010: they see term \
                     2, step down, delete their conflicting entries x=2 and x=4, and take x=3 instead. The only \
                     entries lost were never committed nor acknowledged to a client.",
                ko: "t=1000에 분할이 복구되고 n3의 하트비트가 t=1010에 n1과 n2에 닿습니다. 둘은 term 2를 보고 \
                     물러나며, 충돌하는 엔트리 x=2와 x=4를 지우고 x=3을 받아들입니다. 사라진 것은 커밋되지도, \
                     클라이언트에게 확인되지도 않은 엔트리뿐입니다.",
            },
            scenario: "RAFT-3",
            until: 1015,
            nodes: &["n1", "n2"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "The same story with CheckQuorum and PreVote on. n1 notices that a majority has stopped answering \
                     and steps down at t=640, so x=4 is rejected at t=800 instead of silently accepted. On the \
                     minority side n1 and n2 only run pre-votes, which cannot raise their term.",
                ko: "CheckQuorum과 PreVote를 켜고 같은 상황을 봅니다. n1은 과반수가 응답하지 않는다는 것을 알아차리고 \
                     t=640에 물러나므로, t=800의 x=4는 조용히 받아들여지는 대신 거절됩니다. 소수 쪽의 n1과 n2는 사전 \
                     투표(pre-vote)만 하므로 term이 오르지 않습니다.",
            },
            scenario: "RAFT-3b",
            until: 805,
            nodes: &["n1", "n3"],
            messages: &["PreVote", "AppendEntries"],
        },
        Step {
            text: Text {
                en: "Without PreVote: n5 is cut off at t=400 and, hearing no leader, keeps starting elections that \
                     nobody receives. Each one raises its term, to 2 at t=730 and 3 at t=1080, while the rest of the \
                     cluster is still in term 1.",
                ko: "PreVote가 없을 때: n5가 t=400에 고립되고, 리더 소식이 없으니 아무도 받지 못하는 선거를 계속 \
                     시작합니다. 선거마다 term이 올라 t=730에 2, t=1080에 3이 되지만, 나머지 클러스터는 여전히 term \
                     1에 있습니다.",
            },
            scenario: "RAFT-6a",
            until: 1085,
            nodes: &["n5"],
            messages: &["RequestVote"],
        },
        Step {
            text: Text {
                en: "After the heal (t=1300) n5 answers n1's AppendEntries with its term 3, and the healthy leader n1 \
                     steps down at t=1340. n5 cannot win, since its log lacks x=2, so n1 is elected again, in term 5, \
                     at t=1510: safety holds, but the cluster went 170 ms without a leader for nothing.",
                ko: "분할이 복구된 뒤(t=1300) n5가 n1의 AppendEntries에 자신의 term 3으로 응답하자, 멀쩡하던 리더 \
                     n1이 t=1340에 물러납니다. n5는 로그에 x=2가 없어 당선될 수 없으므로 t=1510에 n1이 term 5로 다시 \
                     선출됩니다. 안전성에는 문제가 없지만 클러스터는 괜히 170 ms 동안 리더 없이 지냈습니다.",
            },
            scenario: "RAFT-6a",
            until: 1515,
            nodes: &["n5", "n1"],
            messages: &["AppendEntriesResponse", "RequestVote"],
        },
        Step {
            text: Text {
                en: "With PreVote, n5 first asks whether the others would vote for it in term 2, without changing its \
                     own term. Nobody can answer across the partition, so its term stays 1 however many rounds it \
                     runs.",
                ko: "PreVote를 켜면 n5는 자기 term을 바꾸지 않은 채, 먼저 term 2에서 자신에게 투표해 줄지 다른 \
                     서버들에게 묻습니다. 분할 때문에 아무도 답할 수 없으니, 몇 번을 시도해도 n5의 term은 1에 \
                     머뭅니다.",
            },
            scenario: "RAFT-6b",
            until: 1055,
            nodes: &["n5"],
            messages: &["PreVote"],
        },
        Step {
            text: Text {
                en: "After the heal n1's AppendEntries simply turn n5 back into a follower and fill in x=2 (t=1350); \
                     n1 stays leader of term 1 throughout. The price of PreVote is one extra round trip per election.",
                ko: "분할이 복구되면 n1의 AppendEntries가 n5를 그냥 팔로워로 되돌리고 빠진 x=2를 채워 줍니다(t=1350). \
                     n1은 내내 term 1의 리더로 남습니다. PreVote의 대가는 선거마다 왕복 한 번이 더 드는 것뿐입니다.",
            },
            scenario: "RAFT-6b",
            until: 1355,
            nodes: &["n5", "n1"],
            messages: &["AppendEntries"],
        },
    ],
};

const RAFT_FIGURE_8: Chapter = Chapter {
    id: "raft-figure8",
    title: Text { en: "Raft: Figure 8 and the commit rule", ko: "Raft: 그림 8과 커밋 규칙" },
    steps: &[
        Step {
            text: Text {
                en: "This chapter replays Figure 8 of the Raft paper, with n1 to n5 as S1 to S5. Panel (a): n1 leads \
                     term 2 and has written b at index 2, but b has reached only n2, and n1 will crash at t=195. \
                     Compare the logs: a is everywhere, b on two servers.",
                ko: "이 장은 Raft 논문의 그림 8을 그대로 재현합니다(n1~n5가 S1~S5). 장면 (a): n1이 term 2의 리더로 \
                     인덱스 2에 b를 썼지만 b는 n2에만 전달되었고, n1은 t=195에 크래시할 참입니다. 로그를 비교해 \
                     보세요. a는 모두에게 있고 b는 두 서버에만 있습니다.",
            },
            scenario: "RAFT-5a",
            until: 192,
            nodes: &["n1", "n2"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "Panel (b): n5 wins term 3 at t=220 with the votes of n3 and n4 (n2 refuses, because its log ends \
                     in term 2, newer than n5's). n5 writes c at index 2 in term 3, keeps it to itself, and crashes \
                     at t=250.",
                ko: "장면 (b): n5가 t=220에 n3와 n4의 표로 term 3에 당선됩니다(n2는 자기 로그의 마지막이 term 2로 \
                     n5보다 최신이라 거절합니다). n5는 term 3으로 인덱스 2에 c를 쓰지만 아무에게도 전하지 못하고 \
                     t=250에 크래시합니다.",
            },
            scenario: "RAFT-5a",
            until: 255,
            nodes: &["n5"],
            messages: &["RequestVote", "RequestVoteResponse"],
        },
        Step {
            text: Text {
                en: "Panel (c): n1 is back as leader of term 4 (t=320), copies b to n3 at t=350 and appends d at \
                     t=365, so b is now on a majority, {n1, n2, n3}. With the correct rule n1 still does not commit \
                     index 2: a leader counts replicas only for entries of its own term, and b is from term 2.",
                ko: "장면 (c): n1이 term 4의 리더로 돌아와(t=320) t=350에 b를 n3에 복제하고 t=365에 d를 추가하니, \
                     이제 b는 과반수 {n1, n2, n3}에 있습니다. 그래도 올바른 규칙에서는 n1이 인덱스 2를 커밋하지 \
                     않습니다. 리더는 자기 term의 엔트리에 대해서만 복제본을 세어 커밋하는데, b는 term 2의 엔트리이기 \
                     때문입니다.",
            },
            scenario: "RAFT-5a",
            until: 372,
            nodes: &["n1", "n2", "n3"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "Panel (d): n1 crashes again; n5 recovers and wins term 5 at t=450 with n2, n3 and n4, because \
                     its last entry (term 3) is more up-to-date than their b (term 2). At t=480 it overwrites index 2 \
                     with c on all of them, which is safe only because b was never committed.",
                ko: "장면 (d): n1이 다시 크래시하고, 복구된 n5가 t=450에 n2, n3, n4의 표로 term 5에 당선됩니다. n5의 \
                     마지막 엔트리가 term 3이라, term 2인 b로 끝나는 그들의 로그보다 최신이기 때문입니다. t=480에 \
                     n5는 그들 모두의 인덱스 2를 c로 덮어쓰는데, b가 커밋된 적이 없기 때문에 안전합니다.",
            },
            scenario: "RAFT-5a",
            until: 485,
            nodes: &["n5"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "A new command e (index 3, term 5) reaches a majority and n5 commits it at t=520; index 2 (c) is \
                     committed indirectly along with it. Every state machine applies a, c, e, and no invariant is \
                     red.",
                ko: "새 명령 e(인덱스 3, term 5)가 과반수에 복제되어 n5가 t=520에 커밋하고, 인덱스 2의 c도 함께 \
                     간접적으로 커밋됩니다. 모든 상태 머신이 a, c, e를 적용하고, 빨간 불변식은 하나도 없습니다.",
            },
            scenario: "RAFT-5a",
            until: 525,
            nodes: &["n5"],
            messages: &["AppendEntriesResponse"],
        },
        Step {
            text: Text {
                en: "Now the buggy rule, under which a leader may commit earlier-term entries by counting replicas. \
                     At t=360, when n3 acknowledges b, n1 (term 4) counts {n1, n2, n3}, commits index 2 and applies \
                     b.",
                ko: "이제 잘못된 규칙입니다. 리더가 이전 term의 엔트리도 복제본 수만 세어 커밋할 수 있습니다. t=360에 \
                     n3가 b를 확인하자 n1(term 4)은 {n1, n2, n3}을 세어 인덱스 2를 커밋하고 b를 적용합니다.",
            },
            scenario: "RAFT-5b",
            until: 362,
            nodes: &["n1"],
            messages: &["AppendEntriesResponse"],
        },
        Step {
            text: Text {
                en: "The rest of the schedule is unchanged, and n5 still wins term 5 at t=450, because votes compare \
                     only the last entries of the logs. Leader Completeness (R-LC) turns red: the new leader lacks \
                     the committed entry b.",
                ko: "나머지 일정은 그대로이고, 투표는 로그의 마지막 엔트리만 비교하므로 n5는 여전히 t=450에 term 5에 \
                     당선됩니다. Leader Completeness(R-LC)가 빨갛게 바뀝니다. 새 리더에게 커밋된 엔트리 b가 없습니다.",
            },
            scenario: "RAFT-5b",
            until: 455,
            nodes: &["n5"],
            messages: &["RequestVote", "RequestVoteResponse"],
        },
        Step {
            text: Text {
                en: "At t=480 n5 overwrites b on n2, n3 and n4 (R-CD turns red), and at t=490 it commits c at index \
                     2: State Machine Safety (R-SMS) turns red, since n1 applied b at that index. This is why Raft \
                     commits by counting only entries of the leader's current term.",
                ko: "t=480에 n5가 n2, n3, n4의 b를 덮어쓰고(R-CD가 빨갛게 바뀜), t=490에 인덱스 2의 c를 커밋합니다. \
                     n1은 같은 인덱스에 b를 적용했으므로 State Machine Safety(R-SMS)가 빨갛게 바뀝니다. 그래서 Raft는 \
                     복제본을 세어 커밋하는 것을 리더의 현재 term 엔트리로 한정합니다.",
            },
            scenario: "RAFT-5b",
            until: 495,
            nodes: &["n5", "n1"],
            messages: &["AppendEntries"],
        },
        Step {
            text: Text {
                en: "In practice a new leader appends a no-op entry of its own term. Here x=1 reached only n2 before \
                     leader n1 crashed; n2 wins term 2 at t=530, and once its no-op is on a majority (t=570), \
                     committing it commits x=1 from term 1 as well.",
                ko: "실제로는 새 리더가 자기 term의 no-op 엔트리를 하나 추가합니다. 여기서는 리더 n1이 크래시하기 \
                     전에 x=1이 n2에만 전달되었습니다. n2가 t=530에 term 2에 당선되고, no-op이 과반수에 복제되는 \
                     순간(t=570) 그것을 커밋하면서 term 1의 x=1도 함께 커밋됩니다.",
            },
            scenario: "RAFT-noop",
            until: 575,
            nodes: &["n2"],
            messages: &["AppendEntries"],
        },
    ],
};

const CLOCKS: Chapter = Chapter {
    id: "clocks",
    title: Text {
        en: "Time: Lamport clocks, wall clocks and last-write-wins",
        ko: "시간: 램포트 시계, 벽시계, 최종 쓰기 승리(LWW)",
    },
    steps: &[
        Step {
            text: Text {
                en: "Three processes, each with a Lamport counter: local events and sends add 1, and a receive jumps \
                     past the message's timestamp. P1 sent m1 with timestamp 2, so when P2 receives it at t=20 its \
                     clock goes from 1 to max(1, 2) + 1 = 3.",
                ko: "세 프로세스가 각자 램포트 카운터를 가집니다. 로컬 이벤트와 송신은 1을 더하고, 수신은 메시지의 \
                     타임스탬프를 넘어서도록 건너뜁니다. P1이 타임스탬프 2로 m1을 보냈으므로, P2가 t=20에 받을 때 \
                     시계는 1에서 max(1, 2) + 1 = 3이 됩니다.",
            },
            scenario: "CLK-1",
            until: 22,
            nodes: &["P1", "P2"],
            messages: &["MSG"],
        },
        Step {
            text: Text {
                en: "The wall clocks are skewed: P2 runs 500 ms fast and P3 300 ms slow. P2 sends m2 at wall time \
                     10525 and P3 receives it at 9735, so by their wall clocks it arrived 790 ms before it was sent. \
                     Lamport timestamps cannot do that: the send is 4, the receive 5.",
                ko: "벽시계에는 오차가 있어서 P2는 500 ms 빠르고 P3는 300 ms 느립니다. P2가 벽시계 10525에 보낸 m2를 \
                     P3는 9735에 받으니, 벽시계대로라면 보내기 790 ms 전에 받은 셈입니다. 램포트 타임스탬프에서는 \
                     그럴 수 없습니다. 송신은 4, 수신은 5입니다.",
            },
            scenario: "CLK-1",
            until: 37,
            nodes: &["P2", "P3"],
            messages: &["MSG"],
        },
        Step {
            text: Text {
                en: "Order the space-time diagram by Lamport timestamps. Ties are broken by process id, so i (P1, \
                     t=40) comes before d (P2, t=20) although it happened later: the two are concurrent, and the \
                     total order may contradict real time. Nor does a smaller timestamp imply happened-before: C(e) = \
                     1 < C(d) = 3, yet e and d are concurrent, which only vector clocks can tell.",
                ko: "시공간 다이어그램을 램포트 타임스탬프 순서로 정렬해 보세요. 같은 값은 프로세스 id로 순서를 \
                     정하므로, i(P1, t=40)는 더 먼저 일어난 d(P2, t=20)보다 앞에 놓입니다. 둘은 \
                     동시적(concurrent)이라 전체 순서가 실제 시간과 어긋나도 됩니다. 또 타임스탬프가 작다고 인과 \
                     관계가 있는 것도 아니어서, C(e) = 1 < C(d) = 3이지만 e와 d는 동시적이며, 이를 가려내려면 벡터 \
                     시계가 필요합니다.",
            },
            scenario: "CLK-1",
            until: 60,
            nodes: &["P1", "P2", "P3"],
            messages: &["MSG"],
        },
        Step {
            text: Text {
                en: "Wall clocks also jump. At t=22 NTP steps P2's clock back 600 ms, so its send f (t=25) reads \
                     9925, earlier than its own receive d (10520) just before. By its wall clock one process now runs \
                     backwards, while the Lamport timestamps are exactly those of the previous run.",
                ko: "벽시계는 건너뛰기도 합니다. t=22에 NTP가 P2의 시계를 600 ms 뒤로 돌려서, t=25의 송신 f는 9925로 \
                     찍혀 바로 앞선 자기 수신 d(10520)보다 이릅니다. 벽시계로 보면 한 프로세스 안에서조차 사건이 \
                     거꾸로 흐르지만, 램포트 타임스탬프는 앞의 실행과 똑같습니다.",
            },
            scenario: "CLK-1-jump",
            until: 27,
            nodes: &["P2"],
            messages: &["MSG"],
        },
        Step {
            text: Text {
                en: "A Lamport clock must itself survive crashes. Here P2 keeps its counter only in memory, crashes \
                     at t=28 and restarts from 0, so its event l at t=60 gets C = 1 again: LC-Mono, LC-Unique, \
                     LC-Clock and LC-Extends turn red.",
                ko: "램포트 시계 자체도 크래시를 견뎌야 합니다. 여기서 P2는 카운터를 메모리에만 두었다가 t=28에 \
                     크래시하고 0부터 다시 시작하므로, t=60의 이벤트 l이 다시 C = 1을 받습니다. LC-Mono, LC-Unique, \
                     LC-Clock, LC-Extends가 빨갛게 바뀝니다.",
            },
            scenario: "CLK-1-amnesia",
            until: 62,
            nodes: &["P2"],
            messages: &["MSG"],
        },
        Step {
            text: Text {
                en: "Last-write-wins replication of a register x on three replicas, with timestamps from wall clocks. \
                     n3's clock runs 500 ms ahead, so client A's write x=1 through n3 at t=100 is stamped (10600, n3) \
                     and replicated to n1 and n2.",
                ko: "이번에는 세 복제본에 있는 레지스터 x를 최종 쓰기 승리(LWW) 방식으로 복제하고, 타임스탬프는 \
                     벽시계에서 얻습니다. n3의 시계가 500 ms 앞서 있어서, 클라이언트 A가 t=100에 n3를 통해 쓴 x=1은 \
                     (10600, n3)으로 찍혀 n1과 n2로 복제됩니다.",
            },
            scenario: "CLK-2",
            until: 115,
            nodes: &["n3"],
            messages: &["REPL"],
        },
        Step {
            text: Text {
                en: "Client B reads x=1 from n1 at t=150 and then writes x=2, so its write is causally later. But n1 \
                     stamps it (10160, n1), smaller than (10600, n3): n1 discards x=2, still tells B \"OK\", and \
                     LWW-CausalLoss turns red.",
                ko: "클라이언트 B는 t=150에 n1에서 x=1을 읽은 뒤 x=2를 쓰므로, B의 쓰기는 인과적으로 나중입니다. \
                     하지만 n1은 이를 (10160, n1)로 찍고, 이는 (10600, n3)보다 작습니다. n1은 x=2를 버리면서도 \
                     B에게는 \"OK\"라고 답하고, LWW-CausalLoss가 빨갛게 바뀝니다.",
            },
            scenario: "CLK-2",
            until: 165,
            nodes: &["n1"],
            messages: &["REPL"],
        },
        Step {
            text: Text {
                en: "n2 and n3 discard the replicated x=2 as well. The replicas agree on x=1, no error was ever \
                     reported, and B's write is simply gone: this is how clock skew loses data under last-write-wins.",
                ko: "n2와 n3도 복제된 x=2를 버립니다. 복제본들은 x=1로 일치하고 어떤 오류도 보고되지 않았지만, B의 \
                     쓰기는 그냥 사라졌습니다. 시계 오차가 있을 때 최종 쓰기 승리는 이렇게 데이터를 잃습니다.",
            },
            scenario: "CLK-2",
            until: 175,
            nodes: &["n2", "n3"],
            messages: &["REPL"],
        },
        Step {
            text: Text {
                en: "The same skew with Lamport timestamps instead. B carries the timestamp it read (1), so n1 stamps \
                     B's write (3, n1), larger than (1, n3), and x=2 wins on every replica. A causally later write \
                     now always wins; concurrent writes can still be dropped, which is the trade-off LWW accepts.",
                ko: "같은 시계 오차에서 이번에는 램포트 타임스탬프를 씁니다. B는 읽을 때 본 타임스탬프(1)를 가지고 \
                     오므로 n1은 B의 쓰기를 (3, n1)로 찍고, 이는 (1, n3)보다 커서 모든 복제본에서 x=2가 이깁니다. \
                     이제 인과적으로 나중인 쓰기는 항상 이깁니다. 동시적인 쓰기는 여전히 버려질 수 있고, 그것이 LWW가 \
                     감수하는 손실입니다.",
            },
            scenario: "CLK-2-lamport",
            until: 175,
            nodes: &["n1"],
            messages: &["REPL"],
        },
        Step {
            text: Text {
                en: "Skew between replicas is not even needed. Client A writes x=1 through n1, NTP steps n1's clock \
                     back 500 ms at t=200, and A's own second write at t=300 is stamped (9800, n1): n1 discards it \
                     and answers OK anyway.",
                ko: "복제본 사이의 시계 오차조차 필요 없습니다. 클라이언트 A가 n1을 통해 x=1을 쓴 뒤 t=200에 NTP가 \
                     n1의 시계를 500 ms 뒤로 돌리면, t=300에 A가 다시 쓴 값은 (9800, n1)로 찍힙니다. n1은 이를 \
                     버리고도 OK라고 답합니다.",
            },
            scenario: "CLK-2-jump",
            until: 305,
            nodes: &["n1"],
            messages: &["REPL"],
        },
    ],
};

const FENCING: Chapter = Chapter {
    id: "fencing",
    title: Text { en: "Time: leases and fencing tokens", ko: "시간: 리스와 펜싱 토큰" },
    steps: &[
        Step {
            text: Text {
                en: "Client c1 asks the lock service LS for a lease and gets token 33, valid for 100 ms (until 10110 \
                     on LS's clock). At t=50 c1 checks that its lease is still valid and prepares its write; then a \
                     garbage-collection pause freezes it from t=52 to t=300.",
                ko: "클라이언트 c1이 잠금 서비스 LS에 리스를 요청해 토큰 33을 받습니다. 유효 기간은 100 ms(LS 시계로 \
                     10110까지)입니다. t=50에 c1은 리스가 아직 유효한지 확인하고 쓰기를 준비하는데, 그 직후 GC 일시 \
                     정지가 t=52부터 t=300까지 c1을 멈춰 세웁니다.",
            },
            scenario: "CLK-3",
            until: 55,
            nodes: &["c1", "LS"],
            messages: &["ACQUIRE", "GRANT"],
        },
        Step {
            text: Text {
                en: "While c1 sleeps, its lease expires. LS grants the lock to c2 with token 34 at t=160, and the \
                     storage St accepts c2's write at t=190. So far everything is correct.",
                ko: "c1이 멈춰 있는 동안 리스가 만료됩니다. LS는 t=160에 토큰 34로 c2에게 잠금을 주고, 저장소 St는 \
                     t=190에 c2의 쓰기를 받아들입니다. 여기까지는 모두 올바릅니다.",
            },
            scenario: "CLK-3",
            until: 195,
            nodes: &["LS", "c2", "St"],
            messages: &["GRANT", "WRITE"],
        },
        Step {
            text: Text {
                en: "At t=300 c1 wakes up, still convinced it holds the lock (it checked before the pause), and sends \
                     its write with token 33. This storage ignores tokens and accepts it at t=310, overwriting c2's \
                     data: FT-2 turns red. No check inside c1 can prevent this, since the pause can strike between \
                     the check and the write.",
                ko: "t=300에 깨어난 c1은 여전히 잠금을 가졌다고 믿고(정지 전에 확인했으므로) 토큰 33으로 쓰기를 \
                     보냅니다. 이 저장소는 토큰을 무시하므로 t=310에 이를 받아들여 c2의 데이터를 덮어쓰고, FT-2가 \
                     빨갛게 바뀝니다. 확인과 쓰기 사이 어디서든 정지가 일어날 수 있으니 c1 안에서 하는 어떤 확인도 \
                     이를 막지 못합니다.",
            },
            scenario: "CLK-3",
            until: 315,
            nodes: &["c1", "St"],
            messages: &["WRITE"],
        },
        Step {
            text: Text {
                en: "With fencing, the storage remembers the highest token it has seen (34) and rejects anything \
                     lower: c1's write with token 33 gets REJECT at t=310 and c2's data survives. The lock service's \
                     counter makes every new lease carry a larger token; the storage does the enforcing.",
                ko: "펜싱을 쓰면 저장소는 지금까지 본 가장 큰 토큰(34)을 기억하고 그보다 작은 것은 거절합니다. 토큰 \
                     33을 단 c1의 쓰기는 t=310에 REJECT되고 c2의 데이터는 살아남습니다. 잠금 서비스의 카운터 덕분에 \
                     새 리스마다 더 큰 토큰이 붙고, 이를 강제하는 것은 저장소입니다.",
            },
            scenario: "CLK-3-fenced",
            until: 315,
            nodes: &["St"],
            messages: &["WRITE", "REJECT"],
        },
        Step {
            text: Text {
                en: "A lease can also be cut short by a clock, with nobody pausing. At t=30 NTP steps LS's clock 1000 \
                     ms forward, so LS considers c1's lease over and grants token 2 to c2 at t=50. c1, timing its \
                     lease on its own monotonic clock, honestly writes with token 1 at t=90, and the fenced storage \
                     rejects it.",
                ko: "아무도 멈추지 않아도 시계 때문에 리스가 짧아질 수 있습니다. t=30에 NTP가 LS의 시계를 1000 ms \
                     앞으로 돌리자, LS는 c1의 리스가 끝났다고 보고 t=50에 토큰 2를 c2에게 줍니다. 자기 단조 시계로 \
                     리스를 재는 c1은 정직하게 t=90에 토큰 1로 쓰지만, 펜싱된 저장소가 이를 거절합니다.",
            },
            scenario: "FEN-jump",
            until: 105,
            nodes: &["LS", "c1", "c2", "St"],
            messages: &["GRANT", "WRITE", "REJECT"],
        },
        Step {
            text: Text {
                en: "Fencing orders writes; it does not detect expired leases. Here c1's late write (token 1) reaches \
                     the storage at t=210, before c2 has written anything, so it is accepted, and c2's token-2 write \
                     follows at t=240. The history is still in token order, so FT-2 holds, but the storage had no way \
                     to know that lease 1 had expired.",
                ko: "펜싱은 쓰기의 순서를 정할 뿐, 만료된 리스를 알아채지는 못합니다. 여기서 c1의 늦은 쓰기(토큰 1)는 \
                     c2가 아무것도 쓰기 전인 t=210에 저장소에 닿아 받아들여지고, c2의 토큰 2 쓰기는 t=240에 \
                     뒤따릅니다. 기록은 여전히 토큰 순서라 FT-2는 성립하지만, 저장소는 리스 1이 이미 만료되었다는 \
                     것을 알 방법이 없었습니다.",
            },
            scenario: "FEN-late",
            until: 245,
            nodes: &["c1", "St"],
            messages: &["WRITE"],
        },
    ],
};

const MUTEX: Chapter = Chapter {
    id: "mutex",
    title: Text { en: "Time: Lamport's mutual exclusion", ko: "시간: 램포트의 상호 배제" },
    steps: &[
        Step {
            text: Text {
                en: "Lamport's algorithm grants a shared resource in timestamp order. P2 asks at t=0 and P1 at t=5, \
                     but both requests carry timestamp 1 and the tie goes to the lower id, so P1 is first. P1 enters \
                     at t=25, once it has heard a later timestamp from every other process.",
                ko: "램포트의 알고리즘은 공유 자원을 타임스탬프 순서로 내줍니다. P2가 t=0에, P1이 t=5에 요청하지만 두 \
                     요청 모두 타임스탬프가 1이고, 같으면 id가 작은 쪽이 이기므로 P1이 먼저입니다. P1은 다른 모든 \
                     프로세스에게서 더 큰 타임스탬프를 받은 t=25에 임계 구역에 들어갑니다.",
            },
            scenario: "MUTEX-1",
            until: 27,
            nodes: &["P1", "P2"],
            messages: &["REQUEST", "ACK"],
        },
        Step {
            text: Text {
                en: "P3 asks at t=30 with timestamp 6. Each RELEASE lets the next request in: P1 leaves at t=60 and \
                     P2 enters at t=70; P2 leaves at t=100 and P3 enters at t=110. On reliable FIFO links, exclusion \
                     and order both hold.",
                ko: "P3는 t=30에 타임스탬프 6으로 요청합니다. RELEASE가 올 때마다 다음 요청이 들어갑니다. P1이 t=60에 \
                     나가자 P2가 t=70에 들어가고, P2가 t=100에 나가자 P3가 t=110에 들어갑니다. 신뢰할 수 있는 FIFO \
                     링크 위에서는 배제와 순서가 모두 지켜집니다.",
            },
            scenario: "MUTEX-1",
            until: 115,
            nodes: &["P1", "P2", "P3"],
            messages: &["RELEASE"],
        },
        Step {
            text: Text {
                en: "Now break FIFO: P1's REQUEST to P2 is delayed 50 ms, and P1's later ACK of P2's own request \
                     overtakes it. At t=25 P2 has a timestamp from P1 above its request and has never heard of P1's \
                     earlier request (1, P1), so it enters: ME-Order turns red.",
                ko: "이제 FIFO를 깨 봅니다. P1이 P2에게 보낸 REQUEST가 50 ms 지연되고, 그 뒤에 P1이 P2의 요청에 보낸 \
                     ACK가 먼저 도착합니다. t=25에 P2는 P1에게서 자기 요청보다 큰 타임스탬프를 받았고 P1의 더 이른 \
                     요청 (1, P1)은 들어 본 적이 없으니 임계 구역에 들어갑니다. ME-Order가 빨갛게 바뀝니다.",
            },
            scenario: "MUTEX-2-reorder",
            until: 27,
            nodes: &["P2", "P1"],
            messages: &["REQUEST", "ACK"],
        },
        Step {
            text: Text {
                en: "The delayed REQUEST arrives at t=60, P2 acknowledges it, and at t=70 P1 enters too: two \
                     processes are in the critical section and ME-Exclusion is red. The algorithm is only correct on \
                     FIFO channels, such as the FIFO perfect link of the links chapter.",
                ko: "지연된 REQUEST가 t=60에 도착해 P2가 ACK를 보내고, t=70에 P1도 들어갑니다. 임계 구역에 두 \
                     프로세스가 있으니 ME-Exclusion이 빨갛게 바뀝니다. 이 알고리즘은 링크 장에서 본 FIFO 완전 링크 \
                     같은 FIFO 채널 위에서만 올바릅니다.",
            },
            scenario: "MUTEX-2-reorder",
            until: 72,
            nodes: &["P1", "P2"],
            messages: &["REQUEST", "ACK"],
        },
        Step {
            text: Text {
                en: "P1 enters at t=20 and crashes inside the critical section at t=50. P2 and P3 wait for a RELEASE \
                     that never comes, and P1's recovery at t=200 does not help: it has forgotten its request, which \
                     still heads the other queues. Safety holds, liveness is lost.",
                ko: "P1이 t=20에 임계 구역에 들어간 뒤 t=50에 그 안에서 크래시합니다. P2와 P3는 오지 않을 RELEASE를 \
                     기다리고, t=200에 P1이 복구되어도 소용없습니다. P1은 자기 요청을 잊었지만, 그 요청은 여전히 다른 \
                     프로세스들의 큐 맨 앞에 있습니다. 안전성은 지켜지지만 활성은 사라집니다.",
            },
            scenario: "MUTEX-3-crash",
            until: 250,
            nodes: &["P1", "P2", "P3"],
            messages: &["REQUEST"],
        },
    ],
};

const QUORUMS: Chapter = Chapter {
    id: "quorums",
    title: Text { en: "Quorums: R + W > N, and a stale read", ko: "쿼럼: R + W > N과 오래된 읽기" },
    steps: &[
        Step {
            text: Text {
                en: "Hotel room r1 is stored on three replicas (N = 3). User u1 books it at t=100: the application \
                     server App sends WRITE version 1 to db1, db2 and db3, but the copy for db3 is delayed by 400 ms.",
                ko: "호텔 방 r1의 상태가 복제본 세 개(N = 3)에 저장되어 있습니다. 사용자 u1이 t=100에 방을 예약하면 \
                     애플리케이션 서버 App이 버전 1의 WRITE를 db1, db2, db3에 보내지만, db3로 가는 것은 400 ms \
                     늦어집니다.",
            },
            scenario: "QRM-1-A",
            until: 105,
            nodes: &["App", "db3"],
            messages: &["WRITE"],
        },
        Step {
            text: Text {
                en: "With W = 2, App confirms the booking to u1 at t=120, as soon as db1 and db2 have ACKed. db3 \
                     still says \"available\": an acknowledged write is on a write quorum, not on every replica.",
                ko: "W = 2이므로 App은 db1과 db2의 ACK가 오자마자 t=120에 u1에게 예약을 확정합니다. db3에는 아직 \
                     \"available\"(빈 방)이 남아 있습니다. 확인된 쓰기는 모든 복제본이 아니라 쓰기 쿼럼에 있을 \
                     뿐입니다.",
            },
            scenario: "QRM-1-A",
            until: 125,
            nodes: &["App", "db1", "db2"],
            messages: &["ACK"],
        },
        Step {
            text: Text {
                en: "User u2 checks the room at t=200 with R = 2, asking db3 and db2. db3 answers version 0 \
                     \"available\", db2 version 1 \"booked\", and the highest version wins, so u2 sees the booking. \
                     Because R + W = 4 > 3, every read quorum shares at least one replica with every write quorum.",
                ko: "사용자 u2가 t=200에 R = 2로 방을 조회하며 db3와 db2에 묻습니다. db3는 버전 0 \"available\", \
                     db2는 버전 1 \"booked\"로 답하고, 가장 높은 버전이 이기므로 u2는 예약된 것을 봅니다. R + W = 4 > \
                     3이므로 모든 읽기 쿼럼은 모든 쓰기 쿼럼과 적어도 복제본 하나를 공유합니다.",
            },
            scenario: "QRM-1-A",
            until: 225,
            nodes: &["App", "db3", "db2"],
            messages: &["READ", "REPLY"],
        },
        Step {
            text: Text {
                en: "Now W = 1 and R = 1, so R + W = 2 ≤ 3. The booking was acknowledged at t=120, yet u2's read asks \
                     only the lagging db3 and is told at t=220 that the room is available: a stale read, and \
                     Q-Regular turns red. u2 may now try to book a room that is already taken.",
                ko: "이제 W = 1, R = 1이라 R + W = 2 ≤ 3입니다. 예약은 t=120에 확인되었는데도, u2의 읽기는 뒤처진 \
                     db3에만 묻고 t=220에 빈 방이라는 답을 받습니다. 오래된 읽기(stale read)이며 Q-Regular가 빨갛게 \
                     바뀝니다. u2는 이미 찬 방을 예약하려 들 수 있습니다.",
            },
            scenario: "QRM-1-B",
            until: 225,
            nodes: &["App", "db3"],
            messages: &["READ", "REPLY"],
        },
        Step {
            text: Text {
                en: "db3 finally stores the booking at t=510, and u3's read at t=600 sees it. The replicas converge \
                     eventually, but without R + W > N nothing says when a reader is sure to see an acknowledged \
                     write.",
                ko: "db3는 t=510에야 예약을 저장하고, t=600에 시작한 u3의 읽기는 이를 봅니다. 복제본은 결국 \
                     수렴하지만(최종적 일관성), R + W > N이 아니면 확인된 쓰기를 언제부터 확실히 읽을 수 있는지 \
                     아무것도 보장하지 않습니다.",
            },
            scenario: "QRM-1-B",
            until: 625,
            nodes: &["db3", "App"],
            messages: &["READ", "REPLY"],
        },
        Step {
            text: Text {
                en: "W = 0 is \"write to a message queue first\": the booking is acknowledged at t=100, the moment it \
                     is handed over, while the replicas receive it only at t=310. Even a read of all three replicas \
                     (R = 3) at t=150 returns \"available\": R + W = 3 is not more than N.",
                ko: "W = 0은 \"먼저 메시지 큐에 쓰기\"입니다. 예약은 넘겨주는 순간인 t=100에 확인되지만 복제본에는 \
                     t=310에야 도착합니다. t=150에 세 복제본을 모두 읽어도(R = 3) \"available\"이 돌아옵니다. R + W = \
                     3은 N보다 크지 않습니다.",
            },
            scenario: "QRM-4-W0",
            until: 175,
            nodes: &["App"],
            messages: &["WRITE", "READ", "REPLY"],
        },
        Step {
            text: Text {
                en: "R + W > N is still not linearizable: the booking reaches db1 at t=110 but the others only at \
                     t=310. u2's read (t=130) includes db1 and sees \"booked\"; u3 starts after u2 has finished, but \
                     db1's answer to it is slow, so u3 hears db2 and db3 and sees \"available\" at t=180. New, then \
                     old, and Q-Regular still holds, because both reads overlapped the not yet acknowledged write.",
                ko: "R + W > N이어도 선형성(linearizability)은 보장되지 않습니다. 예약은 t=110에 db1에 닿지만 \
                     나머지에는 t=310에야 닿습니다. t=130에 시작한 u2의 읽기는 db1을 포함해 \"booked\"를 보고, u3는 \
                     u2가 끝난 뒤 읽기를 시작하지만 db1의 응답이 늦어 db2와 db3의 답만으로 t=180에 \"available\"을 \
                     봅니다. 새 값 다음에 옛 값이 보였는데도, 두 읽기 모두 아직 확인되지 않은 쓰기와 겹쳤으므로 \
                     Q-Regular는 성립합니다.",
            },
            scenario: "QRM-2",
            until: 185,
            nodes: &["App", "db1"],
            messages: &["READ", "REPLY"],
        },
        Step {
            text: Text {
                en: "Read repair keeps replicas in step. The booking's WRITE to db3 was lost, so db3 still holds \
                     version 0. When u2 reads all three at t=200, App notices db3's stale answer and writes version 1 \
                     back to it at t=220, and db3 catches up at t=230.",
                ko: "읽기 복구(read repair)는 복제본을 맞춰 줍니다. db3로 가던 예약 WRITE가 사라져 db3는 아직 버전 \
                     0입니다. u2가 t=200에 세 복제본을 모두 읽을 때 App은 db3의 오래된 답을 알아채고 t=220에 버전 1을 \
                     되써 주며, db3는 t=230에 따라잡습니다.",
            },
            scenario: "QRM-3-repair",
            until: 235,
            nodes: &["App", "db3"],
            messages: &["READ", "REPLY", "WRITE"],
        },
    ],
};
