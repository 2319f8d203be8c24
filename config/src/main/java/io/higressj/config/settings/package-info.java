/**
 * The gateway-wide settings of Higress's two ConfigMaps in {@code higress-system}: {@code higress-config}
 * (data key {@code higress}: gzip, downstream, upstream, tracing, header switches) and {@code higress-https}
 * (data key {@code cert}: automatic HTTPS, fallback certificates). {@link io.higressj.config.settings.SettingsTranslator}
 * reads them into the immutable {@link io.higressj.config.settings.GatewaySettings} with Higress's defaults
 * and reports every invalid field; {@code docs/configmaps.md} lists each field.
 */
package io.higressj.config.settings;
