package io.higressj.proxy;
