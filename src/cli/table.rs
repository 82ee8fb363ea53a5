//! Readable tables for a terminal: columns padded to their widest cell, long cells cut with "…".

pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    max_width: usize,
}

impl Table {
    pub fn new(header: &[&'static str]) -> Self {
        Table { header: header.to_vec(), rows: Vec::new(), max_width: 60 }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let cut = |s: &str| -> String {
            let one_line = s.replace(['\n', '\r'], " ");
            if one_line.chars().count() > self.max_width {
                let mut t: String = one_line.chars().take(self.max_width - 1).collect();
                t.push('…');
                t
            } else {
                one_line
            }
        };
        let cells: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(|c| cut(c)).collect()).collect();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for r in &cells {
            for (i, c) in r.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(c.chars().count());
                }
            }
        }
        let line = |r: Vec<String>| -> String {
            let padded: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c:<w$}", w = widths.get(i).copied().unwrap_or(0)))
                .collect();
            padded.join("  ").trim_end().to_string()
        };
        let mut out = line(self.header.iter().map(|h| h.to_string()).collect());
        out.push('\n');
        for r in cells {
            out.push_str(&line(r));
            out.push('\n');
        }
        out
    }
}
