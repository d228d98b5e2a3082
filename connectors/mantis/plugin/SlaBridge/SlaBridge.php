<?php
/**
 * SlaBridge: tells the sla-bridge SLA service what happens to MantisBT issues.
 *
 * MantisBT has no outgoing webhooks, so this plugin POSTs one signed JSON document per issue
 * event to the bridge (its URL is `https://<bridge>/webhooks/<source id>`). The format is defined
 * by connectors/mantis/payload-schema.ts in sla-bridge; change both together.
 *
 *   POST <url>
 *   Content-Type: application/json
 *   X-Mantis-Event: issue_reported | issue_updated | note_added | issue_deleted
 *
 * An `issue_updated` from a group action has no `previous` (plugin 1.1+). A note carries the
 * minutes of time tracking booked with it as `time_tracking` (plugin 1.2+).
 *   X-Mantis-Delivery: <random UUID v4, one per POST>
 *   X-Mantis-Signature: <hex HMAC-SHA256 of the body under the shared secret>
 *
 * The signature covers the exact bytes sent, so the receiver must check it over the raw body
 * before parsing: re-encoding the JSON (escaping, key order, spacing) would change it.
 *
 * Delivery is fire-and-forget with a short timeout: the bridge is never allowed to slow down or
 * break a MantisBT page. Every failure is written to the PHP error log and then forgotten; the
 * bridge's reconciliation poll catches what was missed.
 *
 * Plugin 1.3 shows the issue's SLA clocks on view.php, read from the bridge's API with a read-only
 * token (core/sla_panel.php).
 *
 * Needs PHP 7.0+ (Throwable) and uses PHP's own http stream wrapper, not the curl extension.
 */
require_once( __DIR__ . '/core/sla_panel.php' );

class SlaBridgePlugin extends MantisPlugin {
	/**
	 * Tags and custom fields of the issues being updated, read just before the save: when
	 * EVENT_UPDATE_BUG fires, the database already holds the new values.
	 */
	private $before_update = array();

	function register() {
		$this->name = plugin_lang_get( 'title' );
		$this->description = plugin_lang_get( 'description' );
		$this->page = 'config';
		$this->version = '1.3.0';
		$this->requires = array( 'MantisCore' => '2.0.0' );
		$this->author = 'sla-bridge';
		$this->contact = '';
		$this->url = '';
	}

	function config() {
		return array(
			'url' => '',
			'secret' => '',
			# Seconds to wait for connecting and for each read; the user's page waits as long.
			'timeout' => 2,
			# SLA_BRIDGE_API_READ_TOKEN of the bridge: empty shows no SLA clocks on the issue page.
			'api_token' => '',
			# Who sees the SLA clocks on an issue's page: at least this access level in its project.
			'panel_threshold' => 10, # VIEWER
		);
	}

	function hooks() {
		return array(
			'EVENT_REPORT_BUG' => 'on_report',
			'EVENT_UPDATE_BUG_DATA' => 'remember_before_update',
			'EVENT_UPDATE_BUG' => 'on_update',
			'EVENT_BUGNOTE_ADD' => 'on_note',
			'EVENT_BUG_DELETED' => 'on_delete',
			'EVENT_BUG_ACTION' => 'on_group_action',
			'EVENT_VIEW_BUG_DETAILS' => 'on_view_details',
		);
	}

	function on_report( $p_event, $p_bug, $p_bug_id ) {
		$this->deliver( 'issue_reported', function() use ( $p_bug_id ) {
			return array( 'issue' => $this->issue( (int)$p_bug_id ) );
		} );
	}

	/** A chain event: whatever happens, MantisBT must get the updated bug back unchanged. */
	function remember_before_update( $p_event, $p_updated, $p_original ) {
		$this->guarded( 'issue_updated: tags and custom fields before the save not read', function() use ( $p_original ) {
			$t_bug_id = (int)$p_original->id;
			$this->before_update[$t_bug_id] = array(
				'tags' => $this->tags( $t_bug_id ),
				'custom_fields' => $this->custom_fields( $t_bug_id ),
			);
		} );
		return $p_updated;
	}

	function on_update( $p_event, $p_original, $p_updated ) {
		$this->deliver( 'issue_updated', function() use ( $p_original, $p_updated ) {
			$t_bug_id = (int)$p_updated->id;
			$t_previous = $this->changeable( $p_original );
			if( isset( $this->before_update[$t_bug_id] ) ) {
				$t_previous = array_merge( $t_previous, $this->before_update[$t_bug_id] );
				unset( $this->before_update[$t_bug_id] );
			}
			return array( 'issue' => $this->issue( $t_bug_id ), 'previous' => $t_previous );
		} );
	}

	function on_note( $p_event, $p_bug_id, $p_bugnote_id, $p_files = array() ) {
		$this->deliver( 'note_added', function() use ( $p_bug_id, $p_bugnote_id ) {
			$t_issue = $this->issue( (int)$p_bug_id );
			return array( 'issue' => $t_issue, 'note' => $this->note( (int)$p_bugnote_id, $t_issue['project']['id'] ) );
		} );
	}

	/**
	 * A group action (View Issues: select issues, then Update Priority, Update Status, Assign,
	 * Resolve, Move...) saves its change without EVENT_UPDATE_BUG and leaves no state from before:
	 * the issue as it is now tells the bridge what changed. A deletion is announced by
	 * EVENT_BUG_DELETED already, and the issue is gone by now.
	 */
	function on_group_action( $p_event, $p_action, $p_bug_id ) {
		if( $p_action === 'DELETE' || !bug_exists( (int)$p_bug_id ) ) {
			return;
		}
		$this->deliver( 'issue_updated', function() use ( $p_bug_id ) {
			return array( 'issue' => $this->issue( (int)$p_bug_id ) );
		} );
	}

	/** Fires before MantisBT deletes anything, so the issue can still be read in full. */
	function on_delete( $p_event, $p_bug_id ) {
		$this->deliver( 'issue_deleted', function() use ( $p_bug_id ) {
			return array( 'issue' => $this->issue( (int)$p_bug_id ) );
		} );
	}

	/** Rows of the issue page's details table; SlaBridgePanel never lets a failure reach the page. */
	function on_view_details( $p_event, $p_bug_id ) {
		if( !access_has_bug_level( (int)plugin_config_get( 'panel_threshold' ), (int)$p_bug_id ) ) {
			return;
		}
		SlaBridgePanel::print_rows( (int)$p_bug_id, plugin_config_get( 'url' ), plugin_config_get( 'api_token' ), plugin_config_get( 'timeout' ), $this->version );
	}

	private function deliver( $p_event, $p_describe ) {
		$t_timestamp = (int)floor( microtime( true ) * 1000 );
		$this->guarded( $p_event . ' not sent to the SLA bridge', function() use ( $p_event, $p_describe, $t_timestamp ) {
			$t_url = trim( (string)plugin_config_get( 'url' ) );
			if( $t_url === '' ) {
				return;
			}
			$t_payload = array_merge(
				array( 'event' => $p_event, 'timestamp' => $t_timestamp, 'mantis_version' => MANTIS_VERSION ),
				$p_describe()
			);
			$this->post( $t_url, $p_event, self::encode( $t_payload ) );
		} );
	}

	/**
	 * Runs $p_work so that nothing it does reaches MantisBT's error handler, which halts the page
	 * on a PHP warning (the default on localhost) and on any MantisBT error. A failure is logged
	 * as `SlaBridge: <what failed>: <why>`.
	 */
	private function guarded( $p_what_failed, $p_work ) {
		set_error_handler( function( $p_type, $p_message, $p_file = '', $p_line = 0 ) {
			if( $p_type & ( E_NOTICE | E_USER_NOTICE | E_DEPRECATED | E_USER_DEPRECATED ) ) {
				return true;
			}
			throw new ErrorException( $p_message, 0, $p_type, $p_file, $p_line );
		} );
		try {
			$p_work();
		} catch( Throwable $e ) {
			error_log( 'SlaBridge: ' . $p_what_failed . ': ' . $e->getMessage() );
		} finally {
			restore_error_handler();
		}
	}

	private static function encode( array $p_payload ) {
		$t_body = json_encode( $p_payload, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		if( $t_body === false ) {
			throw new RuntimeException( 'cannot encode the payload as JSON: ' . json_last_error_msg() );
		}
		return $t_body;
	}

	private function post( $p_url, $p_event, $p_body ) {
		$t_headers = array(
			'Content-Type: application/json',
			'Content-Length: ' . strlen( $p_body ),
			'X-Mantis-Event: ' . $p_event,
			'X-Mantis-Delivery: ' . self::uuid4(),
			'X-Mantis-Signature: ' . hash_hmac( 'sha256', $p_body, (string)plugin_config_get( 'secret' ) ),
			'Connection: close',
		);
		$t_context = stream_context_create( array( 'http' => array(
			'method' => 'POST',
			'header' => implode( "\r\n", $t_headers ),
			'content' => $p_body,
			'timeout' => max( 0.1, (float)plugin_config_get( 'timeout' ) ),
			# An error status is an answer to log, not a failure to open the stream.
			'ignore_errors' => true,
			# A redirect would turn the POST into a GET and lose the body.
			'follow_location' => 0,
			'user_agent' => 'MantisBT-SlaBridge/' . $this->version,
		) ) );
		$t_stream = fopen( $p_url, 'rb', false, $t_context );
		try {
			$t_meta = stream_get_meta_data( $t_stream );
			$t_status = self::status_code( (array)$t_meta['wrapper_data'] );
			if( $t_status < 200 || $t_status > 299 ) {
				$t_answer = (string)stream_get_contents( $t_stream, 300 );
				error_log( 'SlaBridge: the SLA bridge answered ' . $p_event . ' with HTTP ' . $t_status . ': ' . $t_answer );
			}
		} finally {
			fclose( $t_stream );
		}
	}

	/** Redirects are not followed, so the first line is the bridge's own status line. */
	private static function status_code( array $p_response_headers ) {
		$t_first = isset( $p_response_headers[0] ) ? (string)$p_response_headers[0] : '';
		return preg_match( '#^HTTP/\S+\s+(\d{3})#', $t_first, $t_match ) ? (int)$t_match[1] : 0;
	}

	private static function uuid4() {
		$t_bytes = random_bytes( 16 );
		$t_bytes[6] = chr( ord( $t_bytes[6] ) & 0x0f | 0x40 );
		$t_bytes[8] = chr( ord( $t_bytes[8] ) & 0x3f | 0x80 );
		return vsprintf( '%s%s-%s-%s-%s-%s%s%s', str_split( bin2hex( $t_bytes ), 4 ) );
	}

	/** The issue as it is now, read back from the database rather than from the event's BugData. */
	private function issue( $p_bug_id ) {
		$t_bug = bug_get( $p_bug_id );
		$t_project_id = (int)$t_bug->project_id;
		return array_merge(
			array( 'id' => (int)$t_bug->id ),
			$this->changeable( $t_bug ),
			array(
				'summary' => (string)$t_bug->summary,
				'reporter' => $this->user( $t_bug->reporter_id, $t_project_id ),
				'tags' => $this->tags( $p_bug_id ),
				# An empty PHP array would encode as [] where an object is expected.
				'custom_fields' => (object)$this->custom_fields( $p_bug_id ),
				# Epoch ms, null for none. The bridge writes it back; the web edit page saves it to the minute.
				'due_date' => date_is_null( $t_bug->due_date ) ? null : (int)$t_bug->due_date * 1000,
				'created_at' => (int)$t_bug->date_submitted * 1000,
				'updated_at' => (int)$t_bug->last_updated * 1000,
				'view_url' => string_get_bug_view_url_with_fqdn( $p_bug_id ),
			)
		);
	}

	/** The fields an update can change, in the same shape for `issue` and `previous`. */
	private function changeable( $p_bug ) {
		$t_project_id = (int)$p_bug->project_id;
		return array(
			'project' => array( 'id' => $t_project_id, 'name' => project_get_name( $t_project_id ) ),
			'category' => $this->category( $p_bug->category_id ),
			'status' => $this->enum_value( 'status', $p_bug->status, $t_project_id ),
			'priority' => $this->enum_value( 'priority', $p_bug->priority, $t_project_id ),
			'severity' => $this->enum_value( 'severity', $p_bug->severity, $t_project_id ),
			'handler' => $this->user( $p_bug->handler_id, $t_project_id ),
		);
	}

	/**
	 * The English name from the configured enum string (e.g. 30:acknowledged), not the label in
	 * the current user's language, so the bridge's status and priority names work everywhere.
	 */
	private function enum_value( $p_enum, $p_value, $p_project_id ) {
		$t_enum_string = config_get( $p_enum . '_enum_string', null, null, $p_project_id );
		return array( 'id' => (int)$p_value, 'name' => MantisEnum::getLabel( $t_enum_string, (int)$p_value ) );
	}

	private function category( $p_category_id ) {
		$t_id = (int)$p_category_id;
		return $t_id > 0 && category_exists( $t_id ) ? category_get_name( $t_id ) : null;
	}

	/** Null for nobody and for deleted users; the access level is the one in the issue's project. */
	private function user( $p_user_id, $p_project_id ) {
		$t_id = (int)$p_user_id;
		if( $t_id === NO_USER || !user_exists( $t_id ) ) {
			return null;
		}
		$t_user = array( 'id' => $t_id, 'name' => (string)user_get_field( $t_id, 'username' ) );
		$t_real_name = trim( (string)user_get_field( $t_id, 'realname' ) );
		if( $t_real_name !== '' ) {
			$t_user['real_name'] = $t_real_name;
		}
		$t_email = trim( (string)user_get_email( $t_id ) );
		if( $t_email !== '' ) {
			$t_user['email'] = $t_email;
		}
		$t_user['access_level'] = (int)user_get_access_level( $t_id, $p_project_id );
		return $t_user;
	}

	private function tags( $p_bug_id ) {
		$t_names = array();
		foreach( tag_bug_get_attached( $p_bug_id ) as $t_tag ) {
			$t_names[] = (string)$t_tag['name'];
		}
		return $t_names;
	}

	/**
	 * Read afresh every time: custom_field_get_all_linked_fields() caches per request, and
	 * custom_field_set_value() does not clear that cache, so after bug_update.php has saved the
	 * edit page's custom fields it would still return what EVENT_UPDATE_BUG_DATA read before.
	 */
	private function custom_fields( $p_bug_id ) {
		custom_field_clear_cache();
		$t_values = array();
		foreach( custom_field_get_all_linked_fields( $p_bug_id ) as $t_name => $t_field ) {
			$t_values[(string)$t_name] = $t_field['value'] === null ? null : (string)$t_field['value'];
		}
		return $t_values;
	}

	private function note( $p_bugnote_id, $p_project_id ) {
		return array(
			'id' => $p_bugnote_id,
			'reporter' => $this->user( bugnote_get_field( $p_bugnote_id, 'reporter_id' ), $p_project_id ),
			'view_state' => (int)bugnote_get_field( $p_bugnote_id, 'view_state' ) === VS_PRIVATE ? 'private' : 'public',
			'created_at' => (int)bugnote_get_field( $p_bugnote_id, 'date_submitted' ) * 1000,
			'text' => (string)bugnote_get_text( $p_bugnote_id ),
			// Minutes, as the bugnote table keeps them; 0 when none was booked.
			'time_tracking' => (int)bugnote_get_field( $p_bugnote_id, 'time_tracking' ),
		);
	}
}
