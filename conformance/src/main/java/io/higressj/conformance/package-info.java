package io.higressj.conformance;
