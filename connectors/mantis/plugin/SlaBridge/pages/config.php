<?php
# The secret is never sent back to the browser: an empty field keeps the stored one.
auth_reauthenticate();
access_ensure_global_level( config_get( 'manage_plugin_threshold' ) );

layout_page_header( plugin_lang_get( 'title' ) );
layout_page_begin( 'manage_overview_page.php' );
print_manage_menu( 'manage_plugin_page.php' );

$t_secret_note = plugin_lang_get( plugin_config_get( 'secret' ) === '' ? 'secret_missing' : 'secret_keep' );
$t_token_note = plugin_lang_get( plugin_config_get( 'api_token' ) === '' ? 'api_token_missing' : 'api_token_keep' );
?>

<div class="col-md-12 col-xs-12">
<div class="space-10"></div>
<div class="form-container">
<form action="<?php echo plugin_page( 'config_edit' ) ?>" method="post">
<?php echo form_security_field( 'plugin_SlaBridge_config_edit' ) ?>
<div class="widget-box widget-color-blue2">
<div class="widget-header widget-header-small">
	<h4 class="widget-title lighter"><?php echo plugin_lang_get( 'title' ), ': ', plugin_lang_get( 'config' ) ?></h4>
</div>
<div class="widget-body">
<div class="widget-main no-padding">
<div class="table-responsive">
<table class="table table-bordered table-condensed table-striped">
<tr>
	<th class="category width-40">
		<label for="url"><?php echo plugin_lang_get( 'url' ) ?></label><br>
		<span class="small"><?php echo plugin_lang_get( 'url_hint' ) ?></span>
	</th>
	<td><input type="url" id="url" name="url" class="input-sm" size="80" value="<?php echo string_attribute( plugin_config_get( 'url' ) ) ?>"></td>
</tr>
<tr>
	<th class="category">
		<label for="secret"><?php echo plugin_lang_get( 'secret' ) ?></label><br>
		<span class="small"><?php echo $t_secret_note ?></span>
	</th>
	<td><input type="password" id="secret" name="secret" class="input-sm" size="80" autocomplete="new-password" value=""></td>
</tr>
<tr>
	<th class="category">
		<label for="timeout"><?php echo plugin_lang_get( 'timeout' ) ?></label><br>
		<span class="small"><?php echo plugin_lang_get( 'timeout_hint' ) ?></span>
	</th>
	<td><input type="number" id="timeout" name="timeout" class="input-sm" min="1" max="10" value="<?php echo (int)plugin_config_get( 'timeout' ) ?>"></td>
</tr>
<tr>
	<th class="category">
		<label for="api_token"><?php echo plugin_lang_get( 'api_token' ) ?></label><br>
		<span class="small"><?php echo plugin_lang_get( 'api_token_hint' ), ' ', $t_token_note ?></span>
	</th>
	<td>
		<input type="password" id="api_token" name="api_token" class="input-sm" size="80" autocomplete="new-password" value="">
		<label><input type="checkbox" name="api_token_clear" class="ace"><span class="lbl"> <?php echo plugin_lang_get( 'api_token_clear' ) ?></span></label>
	</td>
</tr>
<tr>
	<th class="category">
		<label for="panel_threshold"><?php echo plugin_lang_get( 'panel_threshold' ) ?></label>
	</th>
	<td><select id="panel_threshold" name="panel_threshold" class="input-sm"><?php print_enum_string_option_list( 'access_levels', (int)plugin_config_get( 'panel_threshold' ) ) ?></select></td>
</tr>
</table>
</div>
</div>
<div class="widget-toolbox padding-8 clearfix">
	<input type="submit" class="btn btn-primary btn-white btn-round" value="<?php echo lang_get( 'change_configuration' ) ?>">
</div>
</div>
</div>
</form>
</div>
</div>

<?php
layout_page_end();
