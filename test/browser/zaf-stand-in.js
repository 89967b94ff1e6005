/*
 * A stand-in for the ZAF SDK 2.0 (zaf_sdk.min.js) in browser tests: window.ZAFClient.init() returns
 * a client that records every get/set/invoke/on call in window.__zaf.calls and keeps a composer.
 * The test configures it with window.__zafConfig (ticketId, currentUser, useRichText) before the
 * page loads, edits the composer with __zaf.setComposer and fires ticket events with __zaf.trigger.
 */
(function () {
  'use strict';
  var config = window.__zafConfig || {};
  var zaf = (window.__zaf = { calls: [], handlers: {}, composer: '', commentType: 'internalNote', assignee: null });
  function record(kind, name, arg) {
    zaf.calls.push({ kind: kind, name: name, arg: arg === undefined ? null : JSON.parse(JSON.stringify(arg)) });
  }
  var values = {
    'ticket.id': function () { return config.ticketId; },
    currentUser: function () { return config.currentUser; },
    'ticket.comment.useRichText': function () { return config.useRichText !== false; },
    'ticket.comment.text': function () { return zaf.composer; },
  };
  var client = {
    get: function (path) {
      record('get', path);
      if (!values[path]) return Promise.reject(new Error('stand-in: no value for ' + path));
      var answer = {};
      answer[path] = values[path]();
      return Promise.resolve(answer);
    },
    set: function (path, value) {
      record('set', path, value);
      if (path === 'ticket.comment.type') zaf.commentType = value;
      if (path === 'ticket.assignee') zaf.assignee = value;
      return Promise.resolve({});
    },
    invoke: function (name, arg) {
      record('invoke', name, arg);
      if (name === 'ticket.comment.appendHtml' || name === 'ticket.comment.appendText') zaf.composer += arg;
      return Promise.resolve({});
    },
    on: function (event, handler) {
      record('on', event);
      zaf.handlers[event] = handler;
    },
  };
  zaf.setComposer = function (text) { zaf.composer = text; };
  /** Fires a ticket event as Zendesk does; resolves with what the handler returned (ticket.save may return a promise). */
  zaf.trigger = function (event) {
    var handler = zaf.handlers[event];
    return Promise.resolve(handler ? handler() : undefined);
  };
  window.ZAFClient = { init: function () { return client; } };
})();
