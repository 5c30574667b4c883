/**
 * The demo report ({@link dev.retouch.eval.demo.Demo}, what {@code bin/retouch demo} runs): one section per method on
 * the shipped models and the bundled test-split inputs ({@link dev.retouch.eval.demo.DemoInputs}), every picture
 * labelled by the evaluation-only judge.
 */
package dev.retouch.eval.demo;
