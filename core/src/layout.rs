//! Geometry shared by every view: where nodes sit on screen.
//!
//! Kept in the core (not in the web crate) so the CLI, tests and the browser agree on it and so it can be
//! unit-tested natively.

/// A point in SVG user units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Horizontal coordinate, growing to the right.
    pub x: f64,
    /// Vertical coordinate, growing downwards (SVG convention).
    pub y: f64,
}

/// Places `n` nodes evenly on a circle of radius `r` around `(cx, cy)`.
///
/// The first node is at the top (12 o'clock) and the rest follow clockwise, so a coordinator listed first in a
/// scenario is drawn at the top, as the visualizer promises.
pub fn circle(n: usize, cx: f64, cy: f64, r: f64) -> Vec<Point> {
    if n == 1 {
        return vec![Point { x: cx, y: cy }];
    }
    (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
            Point { x: cx + r * a.cos(), y: cy + r * a.sin() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_node_is_on_top_and_all_are_on_the_circle() {
        let pts = circle(5, 100.0, 100.0, 50.0);
        assert_eq!(pts.len(), 5);
        assert!((pts[0].x - 100.0).abs() < 1e-9 && (pts[0].y - 50.0).abs() < 1e-9);
        for p in &pts {
            let d = ((p.x - 100.0).powi(2) + (p.y - 100.0).powi(2)).sqrt();
            assert!((d - 50.0).abs() < 1e-9);
        }
        // Clockwise: the second node is to the right of the first.
        assert!(pts[1].x > pts[0].x);
    }

    #[test]
    fn a_single_node_sits_in_the_centre() {
        assert_eq!(circle(1, 10.0, 20.0, 5.0), vec![Point { x: 10.0, y: 20.0 }]);
    }
}
