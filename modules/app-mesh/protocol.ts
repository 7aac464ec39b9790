/** Protocols of virtual node and virtual router listeners; the values are the API strings. */
export enum ListenerProtocol {
  HTTP = 'http',
}
