//! The UI's strings in English and Korean.
//!
//! Every visible string goes through [`tr`] with a key from [`STRINGS`]; a test walks the table to make sure no
//! entry lacks a translation. Korean uses the terms Korean readers of DDIA and Database Internals know
//! (합의, 분할, 리더 선출, 2단계 커밋, …).

use yew::prelude::*;

/// A UI language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Korean.
    Ko,
}

impl Lang {
    /// The language code (`en`, `ko`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    /// Parses a language code or a browser language tag (`ko-KR` → Korean); anything else is English.
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("ko") {
            Lang::Ko
        } else {
            Lang::En
        }
    }
}

/// (key, English, Korean).
pub static STRINGS: &[(&str, &str, &str)] = &[
    ("app.tagline", "A laboratory for distributed protocols", "분산 프로토콜 실험실"),
    ("app.title", "netsplit", "netsplit"),
    ("act.acquire", "Acquire the lock", "잠금 획득"),
    ("act.client", "Client request", "클라이언트 요청"),
    ("act.crash", "Crash", "장애(크래시)"),
    ("act.fencedWrite", "Write now", "지금 쓰기"),
    ("act.linkSend", "Send", "보내기"),
    ("act.local", "Local event", "로컬 이벤트"),
    ("act.pause", "Pause for", "일시 정지:"),
    ("act.prepareWrite", "Check lease, then write", "리스 확인 후 쓰기"),
    ("act.read", "Read", "읽기"),
    ("act.recover", "Recover", "복구"),
    ("act.release", "Release", "해제"),
    ("act.request", "Request the resource", "자원 요청"),
    ("act.send", "Send a message to", "메시지 보내기:"),
    ("act.submit", "Submit a transaction", "트랜잭션 제출"),
    ("act.timeout", "Force election timeout", "선거 타임아웃 강제"),
    ("act.write", "Write", "쓰기"),
    ("clock.drift", "Drift (ppm)", "드리프트 (ppm)"),
    ("clock.jump", "Jump the wall clock by", "벽시계 점프:"),
    ("clock.skew", "Skew (ms)", "시계 오차 (ms)"),
    ("clock.title", "Clock", "시계"),
    ("ctl.help", "Keyboard shortcuts", "단축키"),
    ("ctl.newRun", "New random run", "새 무작위 실행"),
    ("ctl.nodes", "Nodes", "노드 수"),
    ("ctl.pause", "Pause", "일시정지"),
    ("ctl.play", "Play", "재생"),
    ("ctl.preset", "Scenario", "시나리오"),
    ("ctl.protocol", "Protocol", "프로토콜"),
    ("ctl.sandbox", "Sandbox (free play)", "샌드박스 (자유 실험)"),
    ("ctl.seed", "Seed", "시드"),
    ("ctl.speed", "Speed", "속도"),
    ("ctl.skipQuiet", "Skip quiet time", "조용한 구간 빨리 감기"),
    ("ctl.skipQuietHelp", "While no message is in flight, time runs fast up to the next event", "전송 중인 메시지가 없는 동안에는 다음 이벤트까지 시간을 빠르게 흘려보냅니다"),
    ("ctl.stepBack", "Step back", "한 단계 뒤로"),
    ("ctl.stepForward", "Step forward", "한 단계 앞으로"),
    ("ctl.theme", "Theme", "테마"),
    ("ctl.timeline", "Timeline", "타임라인"),
    ("ctl.lang", "Language", "언어"),
    ("embed.open", "Open in netsplit ↗", "netsplit에서 열기 ↗"),
    ("fault.clock", "clock skew, drift and jumps", "시계 오차·드리프트·점프"),
    ("fault.crash", "crashes", "크래시"),
    ("fault.crashOn", "crashes in mid-handler", "처리 도중 크래시"),
    ("fault.client", "client requests", "클라이언트 요청"),
    ("fault.cut", "one-way link cuts", "단방향 링크 끊김"),
    ("fault.delay", "delayed messages", "메시지 지연"),
    ("fault.drop", "lost messages", "메시지 유실"),
    ("fault.duplicate", "duplicated messages", "메시지 중복"),
    ("fault.isolate", "the leader cut off (or a node)", "리더 고립 (또는 노드 고립)"),
    ("fault.other", "other", "기타"),
    ("fault.partition", "network partitions", "네트워크 분할"),
    ("fault.pause", "paused nodes", "노드 일시 정지"),
    ("find.budget", "Budget", "탐색 범위"),
    ("find.button", "Find a violation", "위반 찾기"),
    ("find.cancel", "Cancel", "취소"),
    ("find.cancelLabel", "Cancel the search", "탐색 취소"),
    ("find.cancelled", "Cancelled after {runs} runs ({time}).", "{runs}회 실행한 뒤 취소했습니다 ({time})."),
    ("find.close", "Close the violation finder", "위반 찾기 닫기"),
    ("find.failed", "The search failed: {err}", "탐색에 실패했습니다: {err}"),
    ("find.faults", "Fault kinds", "장애 종류"),
    ("find.found", "{inv} broken at t = {at} ms, found in {runs} runs; search and shrink took {time}.", "t = {at} ms에 {inv} 위반: {runs}회 실행 만에 찾았고, 탐색과 축소에 {time} 걸렸습니다."),
    ("find.intro", "Runs this scenario again and again with random faults until one run breaks an invariant, then shrinks that run to a minimal counterexample. The search runs in the background: the page stays usable.", "이 시나리오에 무작위 장애를 넣어 불변식이 깨질 때까지 반복 실행하고, 찾으면 최소 반례로 줄입니다. 탐색은 백그라운드에서 돌아가므로 그동안에도 페이지를 쓸 수 있습니다."),
    ("find.invariants", "Invariants to break", "깨뜨릴 불변식"),
    ("find.load", "Load in player", "플레이어에서 열기"),
    ("find.loadLabel", "Load in player: the counterexample, paused just before the violation", "플레이어에서 열기: 반례를 위반 직전에 멈춘 상태로"),
    ("find.loaded", "Loaded and paused just before the violation: press play or step forward to see it.", "위반 직전에서 멈춘 상태로 불러왔습니다. 재생하거나 한 단계 앞으로 가서 확인하세요."),
    ("find.maxFaults", "Most faults per run", "실행당 최대 장애 수"),
    ("find.needFault", "Pick at least one fault kind.", "장애 종류를 하나 이상 고르세요."),
    ("find.needInvariant", "Pick at least one invariant.", "불변식을 하나 이상 고르세요."),
    ("find.none", "No violation found in {runs} runs ({time}).", "{runs}회 실행에서 위반을 찾지 못했습니다 ({time})."),
    ("find.noInvariants", "This protocol has no safety invariants to search for.", "이 프로토콜에는 찾을 안전성 불변식이 없습니다."),
    ("find.notNumber", "{field}: enter a whole number (0 or more).", "{field}: 0 이상의 정수를 입력하세요."),
    ("find.outage", "Longest outage (ms)", "최대 장애 지속 시간 (ms)"),
    ("find.progress", "Search progress", "탐색 진행률"),
    ("find.runs", "Runs (seeds)", "실행 횟수 (시드 수)"),
    ("find.seed", "First seed", "첫 시드"),
    ("find.shrunk", "Shrunk from {orig} to {size} schedule entries and fault rules.", "일정 항목과 장애 규칙을 {orig}개에서 {size}개로 줄였습니다."),
    ("find.start", "Start", "시작"),
    ("find.startLabel", "Start the search", "탐색 시작"),
    ("find.starting", "Starting the search…", "탐색을 시작하는 중…"),
    ("find.statusDone", "Done: {runs} runs searched, {shrink} runs to shrink, {rate} runs/s", "완료: 탐색 {runs}회, 축소 {shrink}회 실행, 초당 {rate}회"),
    ("find.statusSearch", "Searching: {runs} of {max} runs, {rate} runs/s", "탐색 중: {max}회 중 {runs}회 실행, 초당 {rate}회"),
    ("find.statusShrink", "Shrinking: {runs} runs, {size} of {orig} schedule entries and fault rules left, {rate} runs/s", "축소 중: {runs}회 실행, 일정 항목과 장애 규칙 {orig}개 중 {size}개 남음, 초당 {rate}회"),
    ("find.stopping", "Stopping: keeping the smallest counterexample so far…", "중단하는 중: 지금까지 찾은 가장 작은 반례를 남깁니다…"),
    ("find.title", "Find a violation", "불변식 위반 찾기"),
    ("find.to", "Faults start before (ms)", "장애 시작 시한 (ms)"),
    ("guide.button", "Guided tour", "가이드 투어"),
    ("guide.chapter", "Chapter", "장"),
    ("guide.exit", "Leave the guide", "가이드 나가기"),
    ("guide.failed", "The narration could not be loaded:", "해설을 불러오지 못했습니다:"),
    ("guide.loading", "Loading the narration…", "해설을 불러오는 중…"),
    ("guide.next", "Next", "다음"),
    ("guide.prev", "Back", "이전"),
    ("guide.title", "Guide", "가이드"),
    ("guide.try", "Try it yourself", "직접 해 보기"),
    ("help.arrows", "← / →: step back / forward one event", "← / →: 이벤트 하나 뒤로 / 앞으로"),
    ("help.click", "Click a node for its menu, a message to inspect or drop it", "노드를 누르면 메뉴, 메시지를 누르면 검사·삭제"),
    ("help.close", "Close", "닫기"),
    ("help.escape", "Esc: close menus and dialogs, leave partition mode", "Esc: 메뉴와 대화상자 닫기, 분할 모드 나가기"),
    ("help.cells", "Squares under a node: its last log entries or stable records (hover for each); filled = committed, colour = term", "노드 아래 네모: 마지막 로그 항목 또는 안정 저장 기록 (마우스를 올리면 내용); 채워짐 = 커밋됨, 색 = 임기"),
    ("help.tab", "Tab: move between controls and nodes; Enter on a node opens its menu", "Tab: 컨트롤과 노드 사이 이동; 노드에서 Enter를 누르면 메뉴"),
    ("help.partition", "P: partition mode (drag a line across the cluster to split it; click a link to cut it, Shift-click for one direction)", "P: 분할 모드 (클러스터를 가로지르는 선을 그려 나누기; 링크를 누르면 끊기, Shift+클릭은 한 방향만)"),
    ("help.space", "Space: play / pause", "스페이스: 재생 / 일시정지"),
    ("help.speed", "+ / −: faster / slower", "+ / −: 빠르게 / 느리게"),
    ("help.title", "Keyboard and mouse", "키보드와 마우스"),
    ("insp.durable", "stable storage (survives a crash)", "안정 저장소 (크래시 후에도 유지)"),
    ("insp.armed", "armed", "설정"),
    ("insp.drift", "drift", "드리프트"),
    ("insp.fires", "fires", "만료"),
    ("insp.lamport", "Lamport clock", "램포트 시계"),
    ("insp.lamportVector", "Lamport / vector clock", "램포트 / 벡터 시계"),
    ("insp.mono", "monotonic clock", "단조 시계"),
    ("insp.seekHere", "Go to this event", "이 이벤트로 이동"),
    ("insp.senderWall", "sender's wall clock at send", "보낼 때 송신자의 벽시계"),
    ("insp.skew", "skew", "오차"),
    ("insp.vector", "vector clock", "벡터 시계"),
    ("insp.wall", "wall clock", "벽시계"),
    ("insp.drop", "Drop this message", "이 메시지 버리기"),
    ("insp.empty", "Select a node or a message to inspect it.", "노드나 메시지를 선택하면 자세히 볼 수 있습니다."),
    ("insp.event", "Event", "이벤트"),
    ("insp.fields", "Fields", "필드"),
    ("insp.inflight", "in flight", "전송 중"),
    ("insp.log", "Log / stable records", "로그 / 안정 기록"),
    ("insp.message", "Message", "메시지"),
    ("insp.node", "Node", "노드"),
    ("insp.timers", "Timers", "타이머"),
    ("insp.stableTag", "stable", "안정"),
    ("insp.title", "Inspector", "검사기"),
    ("insp.volatile", "volatile (lost on a crash)", "휘발성 (크래시 시 사라짐)"),
    ("insp.volatileTag", "volatile", "휘발"),
    ("inv.holds", "holds", "성립"),
    ("inv.jump", "Jump to violation", "위반 지점으로 이동"),
    ("inv.liveness", "Liveness at the playhead", "현재 시점의 활성(liveness)"),
    ("inv.title", "Invariants", "불변식"),
    ("inv.violated", "violated", "위반"),
    ("log.all", "all", "전체"),
    ("log.kind", "Kind", "종류"),
    ("log.node", "Node", "노드"),
    ("log.title", "Event log", "이벤트 로그"),
    ("net.apply", "Apply", "적용"),
    ("net.duplicate", "Duplicate", "중복"),
    ("net.heal", "Heal all links", "모든 링크 복구"),
    ("net.jitter", "Jitter (ms)", "지터 (ms)"),
    ("net.latency", "Latency (ms)", "지연 (ms)"),
    ("net.loss", "Loss", "손실"),
    ("net.partitionMode", "Partition mode", "분할 모드"),
    ("net.partitionHint", "Drag a line across the cluster to split it, or click a link to cut it (Shift: one way).", "클러스터를 가로지르는 선을 그려 나누거나, 링크를 눌러 끊으세요 (Shift: 한 방향)."),
    ("net.title", "Network", "네트워크"),
    ("node.blocked", "blocked since", "차단됨, 시작:"),
    ("node.down", "down", "다운"),
    ("node.paused", "paused until", "일시정지, 재개:"),
    ("notice.dismiss", "Dismiss", "닫기"),
    ("proto.2pc", "Two-Phase Commit (2PC)", "2단계 커밋 (2PC)"),
    ("proto.3pc", "Three-Phase Commit (3PC)", "3단계 커밋 (3PC)"),
    ("proto.fencing", "Fencing tokens", "펜싱 토큰"),
    ("proto.generals", "Two generals", "두 장군 문제"),
    ("proto.lamport", "Lamport clocks", "램포트 시계"),
    ("proto.lamport-mutex", "Lamport mutual exclusion", "램포트 상호 배제"),
    ("proto.link", "Reliable links", "신뢰성 있는 링크"),
    ("proto.lww", "Last write wins (clock skew)", "최종 쓰기 승리 (시계 오차)"),
    ("proto.quorum", "Quorum reads and writes", "쿼럼 읽기와 쓰기"),
    ("proto.raft", "Raft consensus", "Raft 합의"),
    ("share.copied", "The link is on the clipboard (or copy it from the field). It opens this exact screen.", "링크가 클립보드에 복사되었습니다 (또는 위 칸에서 복사하세요). 이 화면 그대로 열립니다."),
    ("share.copyEmbed", "Copy embed code", "임베드 코드 복사"),
    ("share.embed", "Embed in a blog post", "블로그 글에 넣기"),
    ("share.link", "Share link", "공유 링크"),
    ("st.export", "Export", "내보내기"),
    ("st.follow", "Follow", "따라가기"),
    ("st.from", "from", "시작"),
    ("st.future", "causal future:", "인과적 미래:"),
    ("st.lamport", "Lamport timestamps", "램포트 타임스탬프"),
    ("st.notes", "events", "이벤트"),
    ("st.order", "Order by", "정렬 기준"),
    ("st.past", "causal past:", "인과적 과거:"),
    ("st.physical", "each node's physical clock", "각 노드의 물리 시계"),
    ("st.title", "Space-time diagram", "시공간 다이어그램"),
    ("st.to", "to", "끝"),
    ("st.trueTime", "true time", "실제 시간"),
    ("st.types", "message types", "메시지 종류"),
    (
        "st.typesHint",
        "On every arrow where it does not cover another label; in a busy window, zoom in or select an arrow",
        "다른 레이블을 가리지 않는 화살표마다 표시됩니다. 붐빌 때는 확대하거나 화살표를 선택하세요",
    ),
    ("st.zoomIn", "Zoom in", "확대"),
    ("st.zoomOut", "Zoom out", "축소"),
    ("theme.auto", "system", "시스템"),
    ("theme.dark", "dark", "어둡게"),
    ("theme.light", "light", "밝게"),
    ("time.now", "t", "t"),
    ("tools.downloadScenario", "Download scenario", "시나리오 내려받기"),
    ("tools.downloadTrace", "Download trace", "트레이스 내려받기"),
    ("tools.drop", "…or drop a scenario file anywhere", "…또는 시나리오 파일을 아무 곳에나 끌어다 놓으세요"),
    ("tools.open", "Open scenario file", "시나리오 파일 열기"),
    ("tools.share", "Share / embed", "공유 / 임베드"),
    ("tools.title", "Tools", "도구"),
    ("views.cluster", "cluster", "클러스터"),
    ("views.diagram", "space-time diagram", "시공간 다이어그램"),
];

/// Looks a key up; unknown keys are returned as they are (and caught by the tests).
pub fn tr(lang: Lang, key: &'static str) -> &'static str {
    match STRINGS.iter().find(|(k, _, _)| *k == key) {
        Some((_, en, ko)) => match lang {
            Lang::En => en,
            Lang::Ko => ko,
        },
        None => key,
    }
}

/// The language in use, from the context the app provides.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Korean for the invariants' one-line statements, which come from the core in English. Keyed by the English text,
/// since the same id can read differently in two protocols (WAL-1 in 2PC and in 3PC).
pub const INVARIANT_SUMMARIES: &[(&str, &str)] = &[
    ("the coordinator never aborts after sending PRE_COMMIT", "코디네이터는 PRE_COMMIT을 보낸 뒤에는 절대 중단(abort)하지 않는다"),
    ("once anyone committed, no live, non-recovering participant is UNCERTAIN", "누군가 커밋했다면, 살아 있고 복구 중이 아닌 참여자 중 UNCERTAIN 상태인 것은 없다"),
    ("TR3 (abort) only when every state collected is UNCERTAIN", "TR3(중단)는 수집한 상태가 모두 UNCERTAIN일 때만 적용된다"),
    ("no process decides COMMIT while another decides ABORT", "어떤 프로세스가 COMMIT으로 결정하는데 다른 프로세스가 ABORT로 결정하는 일은 없다"),
    ("the TC commits only in WAIT with a YES from every participant", "TC는 WAIT 상태에서 모든 참여자의 YES를 받았을 때만 커밋한다"),
    ("a process never changes its decision, even across a crash", "프로세스는 한번 내린 결정을 바꾸지 않는다 (장애 후에도)"),
    ("COMMIT is decided only after every participant voted YES", "모든 참여자가 YES로 투표한 뒤에만 COMMIT이 결정된다"),
    ("once all have decided, no money was created or lost", "모두 결정을 마치면, 돈이 새로 생기거나 사라지지 않는다"),
    ("the storage never accepts a token below its maxToken", "스토리지는 자신의 maxToken보다 작은 토큰을 절대 받아들이지 않는다"),
    ("the storage never accepts a write whose lease had expired by the lock service's clock", "스토리지는 잠금 서비스의 시계로 이미 만료된 리스의 쓰기를 받아들이지 않는다"),
    ("a → b implies C(a) < C(b) (the Clock Condition)", "a → b 이면 C(a) < C(b) 이다 (클록 조건)"),
    ("a → b implies (C(a), node a) < (C(b), node b): ⇒ extends →", "a → b 이면 (C(a), a의 노드) < (C(b), b의 노드): ⇒ 는 → 를 확장한다"),
    ("timestamps on one node strictly increase (also across crashes)", "한 노드의 타임스탬프는 엄격하게 증가한다 (장애 후에도)"),
    ("a receive event's timestamp exceeds the message's", "수신 이벤트의 타임스탬프는 메시지의 타임스탬프보다 크다"),
    ("the pairs (C, node) are all distinct", "(C, 노드) 쌍은 모두 서로 다르다"),
    ("no replica keeps a write over a causally later one (fails in physical mode under skew)", "어떤 복제본도 인과적으로 더 나중인 쓰기 대신 이전 쓰기를 남기지 않는다 (시계가 어긋나면 물리 시계 모드에서 깨진다)"),
    ("at most one process is in the critical section", "임계 구역에는 최대 한 프로세스만 있다"),
    ("processes enter in ⇒ order of their request timestamps", "프로세스는 요청 타임스탬프의 ⇒ 순서대로 진입한다"),
    ("only messages that were sent are delivered", "보낸 메시지만 전달된다"),
    ("a message is delivered to the application at most once", "메시지는 애플리케이션에 최대 한 번만 전달된다"),
    ("a read that starts after a write was acknowledged returns that version or a newer one", "쓰기가 확인된 뒤 시작한 읽기는 그 버전이나 더 새로운 버전을 돌려준다"),
    ("every committed entry is in a majority of persisted logs", "커밋된 모든 엔트리는 과반수의 영속 로그에 들어 있다"),
    ("lastApplied ≤ commitIndex ≤ lastLogIndex; commitIndex never decreases while up", "lastApplied ≤ commitIndex ≤ lastLogIndex 이고, 살아 있는 동안 commitIndex는 줄어들지 않는다"),
    ("Election Safety: at most one leader per term", "선출 안전성: 한 임기(term)에 리더는 최대 하나다"),
    ("Leader Append-Only: a leader never overwrites or deletes its entries", "리더 추가 전용: 리더는 자신의 엔트리를 덮어쓰거나 지우지 않는다"),
    ("Leader Completeness: every later leader holds every committed entry", "리더 완전성: 이후의 모든 리더는 커밋된 엔트리를 모두 가진다"),
    ("Log Matching: same index and term means identical logs up to there", "로그 일치: 인덱스와 임기가 같으면 그 지점까지의 로그가 같다"),
    ("log terms never decrease and never exceed the owner's currentTerm", "로그의 임기는 줄어들지 않고, 로그 주인의 currentTerm을 넘지 않는다"),
    ("State Machine Safety: no two servers apply different entries at an index", "상태 기계 안전성: 두 서버가 같은 인덱스에 서로 다른 엔트리를 적용하지 않는다"),
    ("currentTerm never decreases, across restarts too", "currentTerm은 줄어들지 않는다 (재시작 후에도)"),
    ("at most one vote per server per term (as persisted)", "서버는 임기마다 최대 한 번만 투표한다 (영속 기록 기준)"),
    ("at dawn both generals attack or both retreat", "새벽에 두 장군은 함께 공격하거나 함께 후퇴한다"),
    ("a participant votes YES only once PREPARED is in its stable log", "참여자는 PREPARED가 안정 로그에 기록된 뒤에만 YES로 투표한다"),
    ("a participant votes YES only once YES is in its stable log", "참여자는 YES가 안정 로그에 기록된 뒤에만 YES로 투표한다"),
    ("a process sends COMMIT only once COMMIT is in its stable log", "프로세스는 COMMIT이 안정 로그에 기록된 뒤에만 COMMIT을 보낸다"),
    ("the TC announces COMMIT only once COMMIT is in its stable log", "TC는 COMMIT이 안정 로그에 기록된 뒤에만 COMMIT을 알린다"),
    ("a participant acknowledges or reports a decision only once it is durable", "참여자는 결정이 영속화된 뒤에만 확인(ack)하거나 알린다"),
    ("a process sends or reports a decision only once it is durable", "프로세스는 결정이 영속화된 뒤에만 그 결정을 보내거나 알린다"),
];

/// An invariant's one-line statement in the language (English when no translation exists).
pub fn invariant_summary(lang: Lang, en: &str) -> &str {
    match lang {
        Lang::En => en,
        Lang::Ko => INVARIANT_SUMMARIES.iter().find(|(e, _)| *e == en).map_or(en, |(_, ko)| ko),
    }
}

/// Korean for the role words the protocols show on their nodes. Protocol states named in the reference (PREPARED,
/// WAIT, ATTACK...) and dynamic labels ("holds lease #3") stay as the core writes them.
pub const ROLES: &[(&str, &str)] = &[
    ("leader", "리더"),
    ("follower", "팔로워"),
    ("candidate", "후보"),
    ("precandidate", "사전 후보"),
    ("idle", "유휴"),
    ("down", "다운"),
    ("replica", "복제본"),
    ("app server", "앱 서버"),
    ("in critical section", "임계 구역 안"),
    ("waiting for dawn", "새벽을 기다리는 중"),
    ("acquiring", "획득 중"),
    ("no lease", "리스 없음"),
    ("lock service: free", "잠금 서비스: 비어 있음"),
    ("storage (fenced)", "스토리지 (펜싱 사용)"),
    ("storage (unfenced)", "스토리지 (펜싱 없음)"),
];

/// Korean for the roles the protocols write with a value in them ("holds lease #3"): (English before the value,
/// English after it, Korean before, Korean after). The value (a token, a count, a request, a node) is kept.
const ROLE_PATTERNS: &[(&str, &str, &str, &str)] = &[
    ("holds lease #", "", "리스 #", " 보유"),
    ("lease #", " over (own clock)", "리스 #", " 만료 (자기 시계)"),
    ("lock service: #", "", "잠금 서비스: #", ""),
    ("waiting, request ", "", "대기 중, 요청 ", ""),
    ("", " unacked", "미확인 ", "개"),
];

/// A node's role in the language (as written by the core when there is no translation).
pub fn role(lang: Lang, en: &str) -> std::borrow::Cow<'_, str> {
    if lang == Lang::En {
        return en.into();
    }
    if let Some((_, ko)) = ROLES.iter().find(|(e, _)| *e == en) {
        return (*ko).into();
    }
    for (pre, post, ko_pre, ko_post) in ROLE_PATTERNS {
        if let Some(value) = en.strip_prefix(pre).and_then(|v| v.strip_suffix(post)).filter(|v| !v.is_empty()) {
            // "lock service: #2 granted to c2": the holder follows the token.
            let value = value.replace(" granted to ", " → ");
            return format!("{ko_pre}{value}{ko_post}").into();
        }
    }
    en.into()
}
