package io.higressj.testing;
