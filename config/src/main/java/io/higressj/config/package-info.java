package io.higressj.config;
