<?php
/**
 * Runs the real SlaBridge plugin without MantisBT: the MantisBT 2.x functions and classes it calls
 * are stood in for by an in-memory issue tracker holding the story of bug 1042 in
 * test/fixtures/mantis. Events are signalled the way MantisBT signals them, so the plugin POSTs
 * real HTTP requests to <url>.
 *
 *   php mantis-plugin-harness.php <url> <secret> [timeout seconds] [lifecycle|report|missing-note]
 *
 * `lifecycle` (the default) plays the whole story, `report` only the report, `missing-note` the
 * report and then a note MantisBT cannot find (the plugin must log it and carry on). Any PHP error the
 * plugin lets escape stops the run with exit code 70, as MantisBT halts a page on a warning;
 * a finished run prints HARNESS_DONE and exits 0. The plugin's error_log goes to stderr.
 */

const HARNESS_DONE = 'SLA-BRIDGE-HARNESS-DONE';

set_error_handler( function( $p_type, $p_message, $p_file, $p_line ) {
	fwrite( STDERR, "MantisBT would halt the page: $p_message at $p_file:$p_line\n" );
	exit( 70 );
} );

# ---- MantisBT constants and classes (values from core/constant_inc.php) ----

define( 'MANTIS_VERSION', '2.28.1' );
define( 'NO_USER', 0 );
define( 'ALL_PROJECTS', 0 );
define( 'VS_PUBLIC', 10 );
define( 'VS_PRIVATE', 50 );

abstract class MantisPlugin {
	public $basename = null;
	public $name = null;
	public $description = null;
	public $page = null;
	public $version = null;
	public $requires = null;
	public $author = null;
	public $contact = null;
	public $url = null;

	abstract public function register();

	public function config() {
		return array();
	}

	public function hooks() {
		return array();
	}

	final public function __construct( $p_basename ) {
		$this->basename = $p_basename;
		$this->register();
	}
}

/** Only what MantisBT's BugData holds; reading any other field is an error, as it is there. */
class BugData {
	public $id;
	public $project_id;
	public $reporter_id;
	public $handler_id = 0;
	public $priority;
	public $severity;
	public $status;
	public $category_id;
	public $date_submitted;
	public $last_updated;
	# date_get_null(): MantisBT stores "no due date" as 1.
	public $due_date = 1;
	public $summary;
	public $view_state = VS_PUBLIC;
}

class MantisEnum {
	/** As MantisBT: "10:new,20:feedback" to a label, "@<value>@" for an unknown value. */
	public static function getLabel( $p_enum_string, $p_value ) {
		foreach( explode( ',', $p_enum_string ) as $t_pair ) {
			list( $t_value, $t_label ) = explode( ':', trim( $t_pair ), 2 );
			if( (int)$t_value === (int)$p_value ) {
				return $t_label;
			}
		}
		return '@' . (int)$p_value . '@';
	}
}

# ---- The tracker: one project, two users, one bug ----

/** The tracker's database, changed in place by the story below. */
function &world() {
	static $s_world = null;
	if( $s_world === null ) {
		$s_world = array(
			'config' => array(
				# MantisBT's defaults from config_defaults_inc.php.
				'status_enum_string' => '10:new,20:feedback,30:acknowledged,40:confirmed,50:assigned,80:resolved,90:closed',
				'priority_enum_string' => '10:none,20:low,30:normal,40:high,50:urgent,60:immediate',
				'severity_enum_string' => '10:feature,20:trivial,30:text,40:tweak,50:minor,60:major,70:crash,80:block',
				'path' => 'https://mantis.example.com/',
			),
			'projects' => array( 7 => 'amarant-intranet' ),
			'categories' => array( 18 => 'Intranet portal' ),
			'users' => array(
				31 => array( 'username' => 'jdevries', 'realname' => 'Jan de Vries', 'email' => 'j.devries@amarant.nl', 'access_level' => 25 ),
				12 => array( 'username' => 'pbakker', 'realname' => 'Pieter Bakker', 'email' => 'p.bakker@2value.nl', 'access_level' => 55 ),
			),
			'bugs' => array(),
			'tags' => array( 1042 => array( 'sso' ) ),
			'custom_fields' => array( 1042 => array( 'Customer reference' => 'AMR-2026-118' ) ),
			'notes' => array(),
		);
	}
	return $s_world;
}

/** A missing row is a MantisBT error, raised the classic way: trigger_error( ERROR_..., ERROR ). */
function world_row( $p_table, $p_id ) {
	$t_world = &world();
	if( !isset( $t_world[$p_table][$p_id] ) ) {
		trigger_error( "no $p_table row $p_id", E_USER_ERROR );
	}
	return $t_world[$p_table][$p_id];
}

# ---- MantisBT API functions the plugin calls, with their real signatures ----

function plugin_config_get( $p_option, $p_default = null, $p_global = false, $p_user = null, $p_project = null ) {
	global $g_plugin_config;
	return array_key_exists( $p_option, $g_plugin_config ) ? $g_plugin_config[$p_option] : $p_default;
}

/** Reads the plugin's real English strings, so a missing string fails here as well. */
function plugin_lang_get( $p_name, $p_basename = null ) {
	include __DIR__ . '/../../connectors/mantis/plugin/SlaBridge/lang/strings_english.txt';
	$t_var = 's_plugin_SlaBridge_' . $p_name;
	if( !isset( $$t_var ) ) {
		throw new RuntimeException( "no language string $t_var" );
	}
	return $$t_var;
}

function config_get( $p_option, $p_default = null, $p_user = null, $p_project = null ) {
	$t_world = &world();
	return isset( $t_world['config'][$p_option] ) ? $t_world['config'][$p_option] : $p_default;
}

function bug_get( $p_bug_id, $p_get_extended = false ) {
	return clone world_row( 'bugs', (int)$p_bug_id );
}

function bug_get_field( $p_bug_id, $p_field_name ) {
	return bug_get( $p_bug_id )->$p_field_name;
}

function project_get_name( $p_project_id, $p_trigger_errors = true ) {
	return world_row( 'projects', (int)$p_project_id );
}

function category_exists( $p_category_id ) {
	$t_world = &world();
	return isset( $t_world['categories'][(int)$p_category_id] );
}

function category_get_name( $p_category_id ) {
	return world_row( 'categories', (int)$p_category_id );
}

function user_exists( $p_user_id ) {
	$t_world = &world();
	return isset( $t_world['users'][(int)$p_user_id] );
}

function user_get_field( $p_user_id, $p_field_name ) {
	$t_user = world_row( 'users', (int)$p_user_id );
	if( !array_key_exists( $p_field_name, $t_user ) ) {
		throw new RuntimeException( "no user field $p_field_name" );
	}
	return $t_user[$p_field_name];
}

function user_get_email( $p_user_id ) {
	return user_get_field( $p_user_id, 'email' );
}

/** Both users have their global access level in every project. */
function user_get_access_level( $p_user_id, $p_project_id = ALL_PROJECTS ) {
	return (int)user_get_field( $p_user_id, 'access_level' );
}

/** Rows as tag_api.php returns them: the tag row plus who attached it and when. */
function tag_bug_get_attached( $p_bug_id ) {
	$t_world = &world();
	$t_rows = array();
	foreach( isset( $t_world['tags'][(int)$p_bug_id] ) ? $t_world['tags'][(int)$p_bug_id] : array() as $t_index => $t_name ) {
		$t_rows[] = array( 'id' => $t_index + 1, 'name' => $t_name, 'description' => '', 'user_attached' => 31, 'date_attached' => 1795421645 );
	}
	return $t_rows;
}

function date_is_null( $p_date ) {
	return $p_date == 1;
}

/** MantisBT caches the linked fields per request; this stand-in reads the world afresh anyway. */
function custom_field_clear_cache( $p_field_id = null ) {
}

/** Keyed by field name, as custom_field_api.php returns them; type 0 is a string field. */
function custom_field_get_all_linked_fields( $p_bug_id ) {
	$t_world = &world();
	$t_fields = array();
	foreach( isset( $t_world['custom_fields'][(int)$p_bug_id] ) ? $t_world['custom_fields'][(int)$p_bug_id] : array() as $t_name => $t_value ) {
		$t_fields[$t_name] = array( 'type' => 0, 'value' => $t_value, 'access_level_r' => 10 );
	}
	return $t_fields;
}

function string_get_bug_view_url_with_fqdn( $p_bug_id ) {
	return config_get( 'path' ) . 'view.php?id=' . $p_bug_id;
}

function bugnote_get_field( $p_bugnote_id, $p_field_name ) {
	$t_note = world_row( 'notes', (int)$p_bugnote_id );
	if( !array_key_exists( $p_field_name, $t_note ) ) {
		throw new RuntimeException( "no bugnote field $p_field_name" );
	}
	return $t_note[$p_field_name];
}

function bugnote_get_text( $p_bugnote_id ) {
	return bugnote_get_field( $p_bugnote_id, 'note' );
}

# ---- Event signalling, as core/event_api.php does it for one plugin ----

function event_signal( $p_event, $p_params, $p_extra = null ) {
	global $g_plugin;
	$t_hooks = $g_plugin->hooks();
	if( !isset( $t_hooks[$p_event] ) ) {
		return $p_params;
	}
	$t_method = $t_hooks[$p_event];
	if( $p_extra !== null ) {
		# A chain event: the first parameter goes in and must come back out.
		$t_output = $g_plugin->$t_method( $p_event, $p_params, $p_extra );
		if( $t_output !== $p_params ) {
			fwrite( STDERR, "$p_event did not hand back the bug it was given\n" );
			exit( 71 );
		}
		return $t_output;
	}
	return call_user_func_array( array( $g_plugin, $t_method ), array_merge( array( $p_event ), $p_params ) );
}

# ---- What MantisBT does around each event (report_bug, bug_update, bugnote_add, bug_delete) ----

function report_bug( array $p_fields ) {
	$t_bug = new BugData();
	foreach( $p_fields as $t_field => $t_value ) {
		$t_bug->$t_field = $t_value;
	}
	$t_world = &world();
	$t_world['bugs'][$t_bug->id] = clone $t_bug;
	event_signal( 'EVENT_REPORT_BUG', array( $t_bug, $t_bug->id ) );
}

function update_bug( $p_bug_id, array $p_changes, $p_at ) {
	$t_existing = bug_get( $p_bug_id, true );
	$t_updated = clone $t_existing;
	foreach( $p_changes as $t_field => $t_value ) {
		$t_updated->$t_field = $t_value;
	}
	$t_updated = event_signal( 'EVENT_UPDATE_BUG_DATA', $t_updated, $t_existing );
	$t_world = &world();
	$t_world['bugs'][$p_bug_id] = clone $t_updated;
	$t_world['bugs'][$p_bug_id]->last_updated = $p_at;
	event_signal( 'EVENT_UPDATE_BUG', array( $t_existing, $t_updated ) );
}

function add_note( $p_bug_id, $p_note_id, $p_user_id, $p_private, $p_text, $p_at, $p_minutes = 0 ) {
	$t_world = &world();
	$t_world['notes'][$p_note_id] = array(
		'id' => $p_note_id, 'bug_id' => $p_bug_id, 'reporter_id' => $p_user_id, 'note' => $p_text,
		'view_state' => $p_private ? VS_PRIVATE : VS_PUBLIC, 'date_submitted' => $p_at, 'last_modified' => $p_at,
		'note_type' => $p_minutes > 0 ? 1 : 0, 'note_attr' => '', 'time_tracking' => $p_minutes,
	);
	$t_world['bugs'][$p_bug_id]->last_updated = $p_at;
	event_signal( 'EVENT_BUGNOTE_ADD', array( $p_bug_id, $p_note_id, array() ) );
}

function delete_bug( $p_bug_id ) {
	event_signal( 'EVENT_BUG_DELETED', array( $p_bug_id ) );
	$t_world = &world();
	unset( $t_world['bugs'][$p_bug_id], $t_world['tags'][$p_bug_id], $t_world['custom_fields'][$p_bug_id] );
}

# ---- The story of test/fixtures/mantis, in epoch seconds ----

function report_1042() {
	report_bug( array(
		'id' => 1042, 'project_id' => 7, 'reporter_id' => 31, 'handler_id' => NO_USER, 'category_id' => 18,
		'status' => 10, 'priority' => 40, 'severity' => 60,
		'summary' => 'Login page returns HTTP 500 after the SSO certificate change',
		'date_submitted' => 1795421645, 'last_updated' => 1795421645,
	) );
}

function play_lifecycle() {
	report_1042();
	update_bug( 1042, array( 'priority' => 50 ), 1795422700 );
	update_bug( 1042, array( 'status' => 30, 'handler_id' => 12 ), 1795424537 );
	add_note( 1042, 5301, 12, false, 'Reproduced on production: the IdP metadata still carries the old certificate. Working on it.', 1795424751, 90 );
	add_note( 1042, 5302, 12, true, 'Intern: certificaat vervangen vóór 16:00, daarna IdP-cache legen.', 1795424790 );
	update_bug( 1042, array( 'status' => 20 ), 1795440009 );
	add_note( 1042, 5303, 31, false, 'It happened at 08:55 and again at 09:10, with Edge and Firefox.', 1795517253 );
	update_bug( 1042, array( 'status' => 80 ), 1795618992 );
	update_bug( 1042, array( 'status' => 20 ), 1795680765 );
	delete_bug( 1042 );
}

# ---- Main ----

if( $argc < 3 ) {
	fwrite( STDERR, "usage: php mantis-plugin-harness.php <url> <secret> [timeout seconds] [lifecycle|report|missing-note]\n" );
	exit( 64 );
}
list( , $t_url, $t_secret ) = $argv;
$t_timeout = isset( $argv[3] ) ? (float)$argv[3] : null;
$t_scenario = isset( $argv[4] ) ? $argv[4] : 'lifecycle';

require_once __DIR__ . '/../../connectors/mantis/plugin/SlaBridge/SlaBridge.php';

$g_plugin = new SlaBridgePlugin( 'SlaBridge' );
# As plugin_config_defaults() then the configuration page: defaults, overridden by what was set.
$g_plugin_config = array_merge( $g_plugin->config(), array( 'url' => $t_url, 'secret' => $t_secret ) );
if( $t_timeout !== null ) {
	$g_plugin_config['timeout'] = $t_timeout;
}

if( $t_scenario === 'report' ) {
	report_1042();
} else if( $t_scenario === 'missing-note' ) {
	report_1042();
	event_signal( 'EVENT_BUGNOTE_ADD', array( 1042, 9999, array() ) );
} else if( $t_scenario === 'lifecycle' ) {
	play_lifecycle();
} else {
	fwrite( STDERR, "unknown scenario $t_scenario\n" );
	exit( 64 );
}

echo HARNESS_DONE, "\n";
exit( 0 );
