package io.higressj.server;
