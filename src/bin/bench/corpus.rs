//! Deterministic conversation-like text, so every run searches the same corpus.

const WORDS: &[&str] = &[
    "spanish",
    "lesson",
    "tomorrow",
    "meeting",
    "gym",
    "call",
    "mum",
    "dentist",
    "report",
    "deadline",
    "coffee",
    "walk",
    "dog",
    "groceries",
    "project",
    "review",
    "plan",
    "week",
    "morning",
    "evening",
    "learn",
    "guitar",
    "practice",
    "read",
    "book",
    "chapter",
    "write",
    "email",
    "budget",
    "taxes",
    "train",
    "ticket",
    "holiday",
    "flight",
    "hotel",
    "doctor",
    "appointment",
    "birthday",
    "gift",
    "party",
    "run",
    "five",
    "kilometres",
    "swim",
    "yoga",
    "sleep",
    "early",
    "water",
    "plants",
    "clean",
];

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        // xorshift64: fast and reproducible; quality is irrelevant here.
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Words follow Zipf's law over a 4,000-word vocabulary (the 50 above are the most frequent),
/// as words in real transcripts do; a uniform 50-word corpus would make every word match a
/// fifth of all messages, which no real history does.
pub struct Vocabulary {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Vocabulary {
    pub fn new() -> Self {
        let mut words: Vec<String> = WORDS.iter().map(|w| w.to_string()).collect();
        let mut rng = Rng::new(99);
        while words.len() < 4000 {
            let len = 4 + (rng.next() % 6) as usize;
            words.push((0..len).map(|_| (b'a' + (rng.next() % 26) as u8) as char).collect());
        }
        let mut total = 0.0;
        let cumulative = (0..words.len())
            .map(|k| {
                total += 1.0 / (k as f64 + 1.0);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn pick(&self, rng: &mut Rng) -> &str {
        let max = self.cumulative.last().copied().unwrap_or(1.0);
        let x = (rng.next() as f64 / u64::MAX as f64) * max;
        let i = self.cumulative.partition_point(|c| *c < x).min(self.words.len() - 1);
        &self.words[i]
    }

    /// The word of this frequency rank (0 is the most frequent).
    pub fn word(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    pub fn sentence(&self, rng: &mut Rng) -> String {
        let n = 6 + (rng.next() % 14) as usize;
        (0..n).map(|_| self.pick(rng)).collect::<Vec<_>>().join(" ")
    }
}
