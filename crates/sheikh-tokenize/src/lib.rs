//! # sheikh-tokenize
//!
//! Tokenization with HuggingFace tokenizers, fill-in-the-middle, sequence packing and training-ready datasets (Megatron indexed, flat token files, Parquet).

#![warn(missing_docs)]
