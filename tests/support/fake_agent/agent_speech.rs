//! The fake agent's speech: a reply's audio, paced in real time and cut off by a barge-in.

use super::{Conv, Gone, Out};
use serde_json::json;
use std::time::Duration;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

impl Conv {
    /// Agent speech: 24 kHz linear16, odd-sized chunks, paced in real time.
    pub(super) async fn reply(&mut self, ms: u32) -> Result<(), Gone> {
        self.send(json!({"type": "AgentStartedSpeaking", "total_latency": 0.61, "tts_latency": 0.12, "ttt_latency": 0.33}));
        let total = ms as usize * 48;
        let voice = self.shared.config.reply_voice.clone();
        let pcm: Vec<u8> = (0..total / 2)
            .flat_map(|i| {
                let at = self.sample + i as u64;
                if !voice.is_empty() {
                    return voice[(at % voice.len() as u64) as usize].to_le_bytes();
                }
                let t = at as f64 / 24_000.0;
                ((6000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16).to_le_bytes()
            })
            .collect();
        self.sample += (total / 2) as u64;
        let start = Instant::now();
        let mut sent = 0usize;
        self.unconsumed_start = self.speaking;
        while sent < total {
            if self.unconsumed_start {
                // Barge-in: the user talks over the reply.
                self.send(json!({"type": "UserStartedSpeaking"}));
                self.announced = true;
                let mut log = self.log();
                log.barge_ins += 1;
                log.audio_bytes_cut += (total - sent) as u64;
                return Ok(());
            }
            let n = 1999.min(total - sent);
            let bytes = pcm[sent..sent + n].to_vec();
            let _ = self.out.send(Out::Msg(Message::Binary(bytes.into())));
            self.log().audio_bytes_out += n as u64;
            sent += n;
            let due = start + Duration::from_secs_f64(sent as f64 / 48_000.0);
            while self.next(due).await?.is_some() {
                if self.unconsumed_start {
                    break;
                }
            }
        }
        self.send(json!({"type": "AgentAudioDone"}));
        self.send(json!({"type": "LatencyReport", "stt_latency": 0.11, "ttt_token_latency": 0.21, "tts_latency": 0.12, "total_latency": 0.61}));
        Ok(())
    }
}
