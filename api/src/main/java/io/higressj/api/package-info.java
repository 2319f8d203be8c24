package io.higressj.api;
