//! Embeds every scenario in `scenarios/` as a preset (`netsplit_core::presets::ALL`), so adding a scenario file is
//! all it takes to make it a preset, a conformance test and a determinism fixture. The files are embedded without
//! the whitespace between JSON tokens: they are written to be read, and the indentation is two fifths of their bytes
//! (2 KB of the gzipped web build). `presets::INDEX` lists each preset's id, protocol and title, which is all the
//! app needs until a preset is picked: the app fetches the scenario itself then (see
//! `netsplit_web::catalog`), so it does not carry all of them.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    files.sort();
    let mut out = String::from("/// Every scenario file in `core/scenarios/`, as (file stem, contents), sorted by file name.\npub const ALL: &[(&str, &str)] = &[\n");
    let mut index = String::from(
        "/// Every preset's id, protocol and title, sorted by file name.\npub const INDEX: &[Info] = &[\n",
    );
    let out_dir = Path::new(&env::var("OUT_DIR").unwrap()).join("presets");
    fs::create_dir_all(&out_dir).unwrap();
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let stem = f.file_stem().unwrap().to_string_lossy();
        let text = fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let min = out_dir.join(format!("{stem}.json"));
        fs::write(&min, minify(&text)).unwrap();
        out.push_str(&format!("    ({stem:?}, include_str!({:?})),\n", min.display().to_string()));
        let doc: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: not JSON: {e}", f.display()));
        let field = |k: &str| doc.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        if field("id") != stem {
            panic!("{}: the id {:?} is not the file name (the app fetches presets by id)", f.display(), field("id"));
        }
        index.push_str(&format!(
            "    Info {{ id: {:?}, protocol: {:?}, title: {:?} }},\n",
            field("id"),
            field("protocol"),
            field("title")
        ));
    }
    out.push_str("];\n");
    index.push_str("];\n");
    out.push_str(&index);
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("presets.rs"), out).unwrap();
}

/// The JSON text without whitespace between tokens (whitespace inside strings is kept; escapes are copied as they
/// are, so an escaped quote does not end a string).
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}
