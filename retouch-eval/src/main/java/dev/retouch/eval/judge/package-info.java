/**
 * emoji-judge, the evaluation-only model ({@link dev.retouch.eval.judge.EmojiJudge}): a CNN trained on its own
 * (subcategory classifier, features for the judge-FD, face-part segmentation) that no method, guidance, loss or
 * training task may reference (JudgeIsolationTest enforces it), its data and training task, and the scores the
 * benchmarks read from it ({@link dev.retouch.eval.judge.JudgeScores}, {@link dev.retouch.eval.judge.JudgeView}).
 */
package dev.retouch.eval.judge;
