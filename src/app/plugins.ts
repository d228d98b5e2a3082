/**
 * The trackers and chat systems this bridge has: the one place that names them. The config loader
 * gets them from here (so a source or channel may name only these, each checked by its own
 * settings' schema), and so do the workers.
 */
import { chatChannels, DEFAULT_CHAT_CHANNEL } from '../../connectors/chat/registry.js';
import { trackerConnectors } from '../../connectors/registry.js';
import { loadConfig, type ConfigPlugins, type Env, type LoadOptions, type SlaConfig } from '../config/load-config.js';

export const PLUGINS = { trackers: trackerConnectors, chats: chatChannels, fallbackChat: DEFAULT_CHAT_CHANNEL } satisfies ConfigPlugins;

/** The config in `dir`, for this bridge's trackers and chat systems. */
export function loadBridgeConfig(dir: string, env: Env = process.env, options: Omit<LoadOptions, 'plugins'> = {}): SlaConfig {
  return loadConfig(dir, env, { ...options, plugins: PLUGINS });
}
