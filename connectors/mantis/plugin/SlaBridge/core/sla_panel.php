<?php
/**
 * The issue's SLA clocks on view.php (plugin 1.3+): rows of the issue's details table, read
 * server-side from the bridge's API with the read-only token (SLA_BRIDGE_API_READ_TOKEN).
 *
 *   GET <bridge>/api/issues/<source>/<id>/explain   per metric state, deadline, business time left, short form
 *   GET <bridge>/api/issues/<source>/<id>           the issue's state, when the bridge has no explain (404)
 *
 * The bridge's address and the source id come from the webhook URL (<bridge>/webhooks/<source>).
 * Whatever goes wrong (bridge down, an error status, an unreadable answer, a PHP warning) becomes
 * one line in the panel: the page always renders. Nothing secret is written into the page, and
 * every value the bridge sent is escaped with string_display_line().
 */
class SlaBridgePanel {
	const MINUTE_MS = 60000;
	const HOUR_MS = 3600000;

	/** Where to ask, from the webhook URL; null when it is not of the form <bridge>/webhooks/<source>. */
	static function api_location( $p_webhook_url ) {
		if( !preg_match( '#^(https?://.+?)/webhooks/([^/?\#]+)/?$#i', trim( (string)$p_webhook_url ), $t_match ) ) {
			return null;
		}
		return array( 'base' => $t_match[1], 'source' => rawurldecode( $t_match[2] ) );
	}

	/** Prints the panel's rows (six columns, as the details table has) for one issue. */
	static function print_rows( $p_bug_id, $p_webhook_url, $p_token, $p_timeout, $p_version ) {
		$t_token = (string)$p_token;
		if( $t_token === '' ) {
			# No read-only token configured: the panel is off.
			return;
		}
		$t_rows = null;
		set_error_handler( function( $p_type, $p_message, $p_file = '', $p_line = 0 ) {
			if( $p_type & ( E_NOTICE | E_USER_NOTICE | E_DEPRECATED | E_USER_DEPRECATED ) ) {
				return true;
			}
			throw new ErrorException( $p_message, 0, $p_type, $p_file, $p_line );
		} );
		try {
			$t_rows = self::rows( (int)$p_bug_id, $p_webhook_url, $t_token, $p_timeout, $p_version );
		} catch( SlaBridgePanelProblem $e ) {
			$t_rows = self::line( $e->getMessage() );
		} catch( Throwable $e ) {
			error_log( 'SlaBridge: the SLA clocks of issue ' . (int)$p_bug_id . ' not shown: ' . $e->getMessage() );
			$t_rows = self::line( plugin_lang_get( 'panel_failed' ) );
		} finally {
			restore_error_handler();
		}
		echo $t_rows;
	}

	private static function rows( $p_bug_id, $p_webhook_url, $p_token, $p_timeout, $p_version ) {
		$t_where = self::api_location( $p_webhook_url );
		if( $t_where === null ) {
			throw new SlaBridgePanelProblem( plugin_lang_get( 'panel_no_location' ) );
		}
		$t_path = $t_where['base'] . '/api/issues/' . rawurlencode( $t_where['source'] ) . '/' . rawurlencode( (string)$p_bug_id );
		$t_explained = self::get( $t_path . '/explain', $p_token, $p_timeout, $p_version );
		if( $t_explained['status'] === 200 ) {
			return self::table( self::from_explain( self::json( $t_explained ) ) );
		}
		if( $t_explained['status'] !== 404 ) {
			throw self::answered( $t_explained );
		}
		# A bridge without the explain endpoint, or one that does not know the issue: the state says which.
		$t_state = self::get( $t_path, $p_token, $p_timeout, $p_version );
		if( $t_state['status'] === 404 ) {
			return self::line( plugin_lang_get( 'panel_unknown' ) );
		}
		if( $t_state['status'] !== 200 ) {
			throw self::answered( $t_state );
		}
		return self::table( self::from_state( self::json( $t_state ) ) );
	}

	/** One GET with the read-only token; a failure to connect or read is a problem to show. */
	private static function get( $p_url, $p_token, $p_timeout, $p_version ) {
		$t_context = stream_context_create( array( 'http' => array(
			'method' => 'GET',
			'header' => implode( "\r\n", array( 'Authorization: Bearer ' . $p_token, 'Accept: application/json', 'Connection: close' ) ),
			# Connecting and each read; the user's page waits as long, twice at most.
			'timeout' => max( 0.1, (float)$p_timeout ),
			'ignore_errors' => true,
			'follow_location' => 0,
			'user_agent' => 'MantisBT-SlaBridge/' . $p_version,
		) ) );
		try {
			$t_stream = fopen( $p_url, 'rb', false, $t_context );
		} catch( Throwable $e ) {
			error_log( 'SlaBridge: the SLA bridge cannot be reached at ' . $p_url . ': ' . $e->getMessage() );
			throw new SlaBridgePanelProblem( plugin_lang_get( 'panel_unreachable' ) );
		}
		try {
			$t_meta = stream_get_meta_data( $t_stream );
			$t_body = stream_get_contents( $t_stream, 1048576 );
			if( $t_body === false || !empty( $t_meta['timed_out'] ) ) {
				throw new SlaBridgePanelProblem( plugin_lang_get( 'panel_unreachable' ) );
			}
		} finally {
			fclose( $t_stream );
		}
		$t_first = isset( $t_meta['wrapper_data'][0] ) ? (string)$t_meta['wrapper_data'][0] : '';
		$t_status = preg_match( '#^HTTP/\S+\s+(\d{3})#', $t_first, $t_match ) ? (int)$t_match[1] : 0;
		return array( 'status' => $t_status, 'body' => (string)$t_body );
	}

	private static function json( array $p_answer ) {
		$t_value = json_decode( $p_answer['body'], true );
		if( !is_array( $t_value ) ) {
			throw new SlaBridgePanelProblem( plugin_lang_get( 'panel_unreadable' ) );
		}
		return $t_value;
	}

	/** An error status as one line: the bridge's own `error` text when it sent one. */
	private static function answered( array $p_answer ) {
		$t_status = $p_answer['status'];
		$t_body = json_decode( $p_answer['body'], true );
		$t_error = is_array( $t_body ) && isset( $t_body['error'] ) && is_string( $t_body['error'] ) ? $t_body['error'] : '';
		$t_key = $t_status === 401 || $t_status === 403 ? 'panel_refused' : 'panel_error';
		$t_text = sprintf( plugin_lang_get( $t_key ), $t_status );
		return new SlaBridgePanelProblem( $t_error === '' ? $t_text : $t_text . ': ' . mb_substr( $t_error, 0, 200 ) );
	}

	/** The explain endpoint's `{ contract, zone, metrics: [{ metric, state, deadline, deadlineLocal, businessLeftMs, short }] }`. */
	private static function from_explain( array $p_explain ) {
		if( !isset( $p_explain['metrics'] ) || !is_array( $p_explain['metrics'] ) ) {
			throw new SlaBridgePanelProblem( plugin_lang_get( 'panel_unreadable' ) );
		}
		$t_zone = isset( $p_explain['zone'] ) ? (string)$p_explain['zone'] : 'UTC';
		$t_metrics = array();
		foreach( $p_explain['metrics'] as $t_metric ) {
			if( !is_array( $t_metric ) ) {
				continue;
			}
			$t_metrics[] = array(
				'metric' => self::text( $t_metric, 'metric' ),
				'state' => self::text( $t_metric, 'state' ),
				'deadline' => self::deadline( isset( $t_metric['deadline'] ) ? $t_metric['deadline'] : null, $t_zone, self::text( $t_metric, 'deadlineLocal' ) ),
				'left' => self::left( self::text( $t_metric, 'state' ), isset( $t_metric['businessLeftMs'] ) ? $t_metric['businessLeftMs'] : null, '' ),
				'why' => self::text( $t_metric, 'short' ),
			);
		}
		return array( 'contract' => self::text( $p_explain, 'contract' ), 'zone' => $t_zone, 'metrics' => $t_metrics, 'covered' => true, 'reason' => '' );
	}

	/** The issue's state (GET /api/issues/:source/:key): `sla.metrics` with `deadline` (epoch ms), `zone`, `remainingMs`. */
	private static function from_state( array $p_state ) {
		$t_sla = isset( $p_state['sla'] ) && is_array( $p_state['sla'] ) ? $p_state['sla'] : null;
		if( $t_sla === null ) {
			throw new SlaBridgePanelProblem( plugin_lang_get( 'panel_unreadable' ) );
		}
		if( empty( $t_sla['covered'] ) ) {
			return array( 'covered' => false, 'reason' => self::text( $t_sla, 'reason' ), 'metrics' => array(), 'contract' => '', 'zone' => '' );
		}
		$t_computed = isset( $p_state['computedAt'] ) && is_numeric( $p_state['computedAt'] ) ? (float)$p_state['computedAt'] : null;
		$t_metrics = array();
		$t_zone = '';
		foreach( isset( $t_sla['metrics'] ) && is_array( $t_sla['metrics'] ) ? $t_sla['metrics'] : array() as $t_metric ) {
			if( !is_array( $t_metric ) ) {
				continue;
			}
			$t_metric_zone = self::text( $t_metric, 'zone' );
			$t_zone = $t_zone === '' ? $t_metric_zone : $t_zone;
			$t_state = self::text( $t_metric, 'state' );
			$t_deadline = isset( $t_metric['deadline'] ) ? $t_metric['deadline'] : null;
			$t_remaining = isset( $t_metric['remainingMs'] ) ? $t_metric['remainingMs'] : null;
			# The state holds business time left as of its computation; a deadline passed since is overdue now.
			if( $t_state === 'running' && is_numeric( $t_deadline ) && (float)$t_deadline <= microtime( true ) * 1000 ) {
				$t_remaining = min( 0, is_numeric( $t_remaining ) ? (float)$t_remaining : 0 );
			}
			$t_as_of = $t_computed !== null && in_array( $t_state, array( 'running', 'paused', 'breached' ), true ) && is_numeric( $t_remaining ) && abs( (float)$t_remaining ) >= self::MINUTE_MS
				? sprintf( plugin_lang_get( 'panel_as_of' ), self::local( $t_computed, $t_metric_zone === '' ? 'UTC' : $t_metric_zone, 'H:i' ) )
				: '';
			$t_metrics[] = array(
				'metric' => self::text( $t_metric, 'metric' ),
				'state' => $t_state,
				'deadline' => self::deadline( $t_deadline, $t_metric_zone === '' ? 'UTC' : $t_metric_zone, '' ),
				'left' => self::left( $t_state, $t_remaining, $t_as_of ),
				# The state's own reason (why paused, how met); the explanation's short form needs the explain endpoint.
				'why' => self::text( $t_metric, 'reason' ),
			);
		}
		return array( 'covered' => true, 'reason' => '', 'contract' => self::text( $t_sla, 'contract' ), 'zone' => $t_zone, 'metrics' => $t_metrics );
	}

	private static function text( array $p_from, $p_key ) {
		return isset( $p_from[$p_key] ) && is_scalar( $p_from[$p_key] ) ? (string)$p_from[$p_key] : '';
	}

	/** The deadline as a wall-clock time of the contract's zone, e.g. "Thu 3 Dec 2026 14:30 (Asia/Tokyo)". */
	private static function deadline( $p_deadline, $p_zone, $p_local_text ) {
		$t_ms = null;
		if( is_numeric( $p_deadline ) ) {
			$t_ms = (float)$p_deadline;
		} elseif( is_string( $p_deadline ) && $p_deadline !== '' ) {
			$t_parsed = date_create( $p_deadline );
			$t_ms = $t_parsed === false ? null : (float)$t_parsed->format( 'U' ) * 1000;
		}
		if( $t_ms === null ) {
			return $p_local_text;
		}
		return self::local( $t_ms, $p_zone, 'D j M Y H:i' ) . ' (' . $p_zone . ')';
	}

	private static function local( $p_ms, $p_zone, $p_format ) {
		try {
			$t_zone = new DateTimeZone( $p_zone );
		} catch( Throwable $e ) {
			$t_zone = new DateTimeZone( 'UTC' );
		}
		$t_time = new DateTime( '@' . (string)(int)floor( $p_ms / 1000 ) );
		return $t_time->setTimezone( $t_zone )->format( $p_format );
	}

	/** "2h 05m left", "overdue by 35m", or nothing for a metric that is met or does not apply. */
	private static function left( $p_state, $p_ms, $p_as_of ) {
		if( !is_numeric( $p_ms ) || in_array( $p_state, array( 'met', 'not_applicable', 'not_started' ), true ) ) {
			return $p_state === 'breached' ? plugin_lang_get( 'panel_overdue' ) : '';
		}
		$t_ms = (float)$p_ms;
		if( $t_ms <= 0 || $p_state === 'breached' ) {
			# Less than a minute past the deadline (a state computed by the breach timer) is just overdue.
			return $t_ms <= -self::MINUTE_MS
				? sprintf( plugin_lang_get( 'panel_overdue_by' ), self::duration( -$t_ms ) ) . ( $p_as_of === '' ? '' : ' ' . $p_as_of )
				: plugin_lang_get( 'panel_overdue' );
		}
		return sprintf( plugin_lang_get( 'panel_left' ), self::duration( $t_ms ) ) . ( $p_as_of === '' ? '' : ' ' . $p_as_of );
	}

	/** Business time in hours and minutes (a business day is the calendar's, so no days). */
	private static function duration( $p_ms ) {
		$t_minutes = (int)floor( $p_ms / self::MINUTE_MS );
		if( $t_minutes < 1 ) {
			return (int)floor( $p_ms / 1000 ) . 's';
		}
		$t_hours = intdiv( $t_minutes, 60 );
		return $t_hours > 0 ? sprintf( '%dh %02dm', $t_hours, $t_minutes % 60 ) : sprintf( '%dm', $t_minutes );
	}

	private static function table( array $p_view ) {
		if( !$p_view['covered'] ) {
			return self::line( sprintf( plugin_lang_get( 'panel_not_covered' ), $p_view['reason'] ) );
		}
		$t_why = false;
		foreach( $p_view['metrics'] as $t_metric ) {
			$t_why = $t_why || $t_metric['why'] !== '';
		}
		$t_head = '';
		foreach( array( 'panel_metric', 'panel_state', 'panel_deadline', 'panel_business_left', 'panel_why' ) as $t_key ) {
			if( $t_key === 'panel_why' && !$t_why ) {
				continue;
			}
			$t_head .= '<th>' . string_display_line( plugin_lang_get( $t_key ) ) . '</th>';
		}
		$t_body = '';
		foreach( $p_view['metrics'] as $t_metric ) {
			$t_class = $t_metric['state'] === 'breached' || strpos( $t_metric['left'], plugin_lang_get( 'panel_overdue' ) ) === 0 ? ' class="sla-bridge-overdue"' : '';
			$t_body .= '<tr data-sla-metric="' . string_attribute( $t_metric['metric'] ) . '"' . $t_class . '>'
				. '<td class="sla-bridge-metric">' . string_display_line( $t_metric['metric'] ) . '</td>'
				. '<td class="sla-bridge-state">' . string_display_line( str_replace( '_', ' ', $t_metric['state'] ) ) . '</td>'
				. '<td class="sla-bridge-deadline">' . string_display_line( $t_metric['deadline'] ) . '</td>'
				. '<td class="sla-bridge-left">' . string_display_line( $t_metric['left'] ) . '</td>'
				. ( $t_why ? '<td class="sla-bridge-why">' . string_display_line( $t_metric['why'] ) . '</td>' : '' )
				. '</tr>';
		}
		$t_contract = $p_view['contract'] === '' ? '' : '<div class="small">' . string_display_line( sprintf( plugin_lang_get( 'panel_contract' ), $p_view['contract'], $p_view['zone'] ) ) . '</div>';
		return '<tr class="sla-bridge-clocks"><th class="category">' . string_display_line( plugin_lang_get( 'panel_title' ) ) . '</th>'
			. '<td colspan="5">' . $t_contract
			. '<table class="table table-condensed table-bordered no-margin"><thead><tr>' . $t_head . '</tr></thead><tbody>' . $t_body . '</tbody></table>'
			. '</td></tr>';
	}

	/** The one line shown instead of the clocks. */
	private static function line( $p_text ) {
		return '<tr class="sla-bridge-clocks"><th class="category">' . string_display_line( plugin_lang_get( 'panel_title' ) ) . '</th>'
			. '<td colspan="5" class="sla-bridge-line">' . string_display_line( $p_text ) . '</td></tr>';
	}
}

/** A reason the clocks cannot be shown, already in words for the page. */
class SlaBridgePanelProblem extends Exception {
}
