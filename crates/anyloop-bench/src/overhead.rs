//! anyloop against each runtime's own calls.

use serde::Serialize;

/// Placeholder.
#[derive(Debug, Clone, Default)]
pub struct Overhead;

/// Placeholder.
#[derive(Debug, Clone, Serialize)]
pub struct OverheadReport;

/// Placeholder.
#[derive(Debug, Clone, Serialize)]
pub struct OverheadRow;
