<?php
form_security_validate( 'plugin_SlaBridge_config_edit' );
auth_reauthenticate();
access_ensure_global_level( config_get( 'manage_plugin_threshold' ) );

$f_url = trim( gpc_get_string( 'url', '' ) );
$f_secret = gpc_get_string( 'secret', '' );
$f_api_token = trim( gpc_get_string( 'api_token', '' ) );
$f_api_token_clear = gpc_get_bool( 'api_token_clear', false );
$f_panel_threshold = gpc_get_int( 'panel_threshold', VIEWER );
# Every second here is a second a user's page may hang while the bridge is down.
$f_timeout = max( 1, min( 10, gpc_get_int( 'timeout', 2 ) ) );

if( $f_url !== '' && !preg_match( '#^https?://[^\s/]+#i', $f_url ) ) {
	error_parameters( plugin_lang_get( 'url' ) );
	trigger_error( ERROR_INVALID_FIELD_VALUE, ERROR );
}

# Only changed values are written, so untouched options keep following the plugin's defaults.
$t_options = array( 'url' => $f_url, 'secret' => $f_secret, 'timeout' => $f_timeout, 'api_token' => $f_api_token_clear ? '' : $f_api_token, 'panel_threshold' => $f_panel_threshold );
foreach( $t_options as $t_option => $t_value ) {
	# Secrets are never shown: an empty field keeps the stored one (the token's box clears it).
	$t_keep_secret = ( $t_option === 'secret' || ( $t_option === 'api_token' && !$f_api_token_clear ) ) && $t_value === '';
	if( !$t_keep_secret && plugin_config_get( $t_option ) != $t_value ) {
		plugin_config_set( $t_option, $t_value );
	}
}

form_security_purge( 'plugin_SlaBridge_config_edit' );
print_header_redirect( plugin_page( 'config', true ) );
