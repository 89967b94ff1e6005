/*
 * draftpilot's Zendesk ticket sidebar (ZAF SDK 2.0). Served by the draftpilot server with the page
 * that carries the session (#dp-boot). It shows the ticket's latest draft, its decision, brief,
 * sources, confidence and earlier reviews, and the four actions:
 *   Approve / Edit  put the draft into the composer as a public reply; the composer text is read on
 *                   ticket.save and reported on ticket.submit.done: unchanged -> approve, changed -> edit
 *   Reject          a reason from the taxonomy is required (and words for "other")
 *   Escalate        sets the ticket's group from the settings, with an optional reason
 * Admins (as Zendesk reports them, carried in the session) also see the categories: mode, readiness,
 * clean rate, notices (automatic demotions, repeated rejection reasons), and Promote / Back to review.
 * Draft and brief text are untrusted model output: they only ever reach the page through textContent,
 * and the composer through escaped HTML.
 */
(function () {
  'use strict';

  var boot = JSON.parse(document.getElementById('dp-boot').textContent);
  var root = document.getElementById('app');
  var client = window.ZAFClient.init();
  var REASON_LABELS = {
    wrong_information: 'Wrong information',
    missing_information: 'Missing information',
    wrong_tone: 'Wrong tone',
    off_brand: 'Off brand',
    policy_violation: 'Policy violation',
    not_relevant: 'Not relevant',
    should_escalate: 'Should be escalated',
    other: 'Other (describe)',
  };
  var ACTION_LABELS = { approve: 'approved', edit: 'edited and sent', reject: 'rejected', escalate: 'escalated', replaced: 'answered without the draft' };
  var state = { ticketId: null, data: null, agent: { id: 'unknown' }, isAdmin: false, pending: null, panel: null, feedbackSent: false, categories: null, categoriesOpen: false };

  // ---- DOM helpers: text goes in with textContent only ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'on') Object.keys(attrs.on).forEach(function (e) { node.addEventListener(e, attrs.on[e]); });
      else if (attrs[k] !== false && attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
  }
  /** The draft as composer HTML: paragraphs on blank lines, line breaks kept, everything escaped. */
  function toHtml(text) {
    return text.split(/\n{2,}/).map(function (p) { return '<p>' + escapeHtml(p).replace(/\n/g, '<br>') + '</p>'; }).join('');
  }
  /** The composer's text: its HTML (rich text) read as plain text; never attached to this page. */
  function toText(value, rich) {
    if (!rich) return String(value || '').trim();
    var doc = new DOMParser().parseFromString(String(value || ''), 'text/html');
    doc.querySelectorAll('br').forEach(function (b) { b.replaceWith('\n'); });
    doc.querySelectorAll('p,div,li,blockquote').forEach(function (b) { b.append('\n\n'); });
    return doc.body.textContent.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
  }
  function same(a, b) {
    var norm = function (s) { return s.replace(/\s+/g, ' ').trim(); };
    return norm(a) === norm(b);
  }

  function api(method, url, body) {
    return fetch(url, {
      method: method,
      headers: Object.assign({ authorization: 'Bearer ' + boot.session }, body ? { 'content-type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error(json.message || 'draftpilot answered ' + res.status);
        return json;
      });
    });
  }

  function notice(text, kind) {
    var box = document.getElementById('dp-notice');
    if (!box) return;
    box.textContent = text;
    box.className = 'notice' + (kind ? ' ' + kind : '');
    box.hidden = !text;
  }

  function agentBody(extra) {
    var agent = { id: String(state.agent.id) };
    if (state.agent.name) agent.name = String(state.agent.name);
    return Object.assign({ draft_id: state.data.draft.id, agent: agent }, extra);
  }

  function record(extra) {
    return api('POST', '/api/reviews', agentBody(extra)).then(function (review) {
      return load().then(function () { return review; });
    });
  }

  // ---- the composer: Approve / Edit ----
  function insert(action) {
    var text = state.data.draft.draft;
    return client.get('ticket.comment.useRichText').then(function (r) {
      var rich = r['ticket.comment.useRichText'] !== false;
      return Promise.resolve(client.set('ticket.comment.type', 'publicReply'))
        .then(function () { return rich ? client.invoke('ticket.comment.appendHtml', toHtml(text)) : client.invoke('ticket.comment.appendText', text); })
        .then(function () {
          state.pending = { action: action, draftId: state.data.draft.id, draft: text, rich: rich, sent: null };
          notice(action === 'approve'
            ? 'The draft is in the composer as a public reply. Submit the ticket to send it; sent unchanged it counts as approved.'
            : 'The draft is in the composer as a public reply: edit it there, then submit the ticket. It is recorded as an edit.', 'ok');
        });
    }).catch(function (err) { notice('The draft could not be put into the composer: ' + err.message, 'error'); });
  }

  client.on('ticket.save', function () {
    var p = state.pending;
    if (!p) return true;
    // Never blocks the save: a failed read only means no review is recorded.
    return Promise.resolve(client.get('ticket.comment.text'))
      .then(function (r) { p.sent = r['ticket.comment.text']; return true; })
      .catch(function () { return true; });
  });

  client.on('ticket.submit.done', function () {
    var p = state.pending;
    if (!p || p.sent === null || !state.data || !state.data.draft || state.data.draft.id !== p.draftId) return;
    state.pending = null;
    var sentText = toText(p.sent, p.rich);
    var action = p.action === 'approve' && same(sentText, p.draft) ? 'approve' : 'edit';
    record({ action: action, sent_text: sentText }).then(
      function () { notice(action === 'approve' ? 'Sent as drafted: recorded as approved.' : 'Sent with changes: recorded as an edit.', 'ok'); },
      function (err) { notice('The review could not be recorded: ' + err.message, 'error'); },
    );
  });

  // ---- panels: Reject, Escalate, brief feedback ----
  function rejectPanel() {
    var select = el('select', { id: 'dp-reject-reason', 'aria-label': 'Reason' }, [el('option', { value: '', text: 'Choose a reason…' })].concat(
      boot.rejectReasons.map(function (r) { return el('option', { value: r, text: REASON_LABELS[r] || r }); })));
    var words = el('textarea', { id: 'dp-reject-text', rows: '3', placeholder: 'What was wrong? (required for “Other”)', maxlength: '2000' });
    var hint = el('p', { id: 'dp-reject-hint', class: 'hint', role: 'status' });
    var submit = el('button', { id: 'dp-reject-submit', class: 'danger', type: 'submit', text: 'Reject draft' });
    function check() {
      var message = !select.value ? 'Choose a reason to reject the draft.' : select.value === 'other' && !words.value.trim() ? 'Describe the reason: “Other” needs a few words.' : '';
      submit.disabled = message !== '';
      hint.textContent = message;
      hint.hidden = message === '';
    }
    select.addEventListener('change', check);
    words.addEventListener('input', check);
    check();
    return el('form', {
      id: 'dp-reject', class: 'panel',
      on: { submit: function (e) {
        e.preventDefault();
        if (submit.disabled) return;
        submit.disabled = true;
        var extra = { action: 'reject', reason: select.value };
        if (words.value.trim()) extra.text = words.value.trim();
        record(extra).then(function () { state.panel = null; render(); notice('Rejected: ' + (REASON_LABELS[extra.reason] || extra.reason) + '.', 'ok'); },
          function (err) { submit.disabled = false; notice('The rejection could not be recorded: ' + err.message, 'error'); });
      } },
    }, [el('label', { for: 'dp-reject-reason', text: 'Why is this draft rejected?' }), select, words, hint, submit]);
  }

  function escalatePanel() {
    var group = boot.escalationGroupId;
    var words = el('textarea', { id: 'dp-escalate-text', rows: '2', placeholder: 'Reason (optional)', maxlength: '2000' });
    var submit = el('button', { id: 'dp-escalate-submit', type: 'submit', text: group ? 'Escalate to group ' + group : 'Escalate' });
    return el('form', {
      id: 'dp-escalate', class: 'panel',
      on: { submit: function (e) {
        e.preventDefault();
        submit.disabled = true;
        var routed = group ? Promise.resolve(client.set('ticket.assignee', { groupId: Number(group) })) : Promise.resolve();
        routed.then(function () {
          var extra = { action: 'escalate' };
          if (words.value.trim()) extra.text = words.value.trim();
          return record(extra);
        }).then(function () {
          state.panel = 'feedback';
          render();
          notice(group ? 'Escalated: the ticket is assigned to group ' + group + '. Submit the ticket to save the assignment.' : 'Escalated (no escalation group is configured: assign the ticket by hand).', 'ok');
        }, function (err) { submit.disabled = false; notice('The escalation could not be recorded: ' + err.message, 'error'); });
      } },
    }, [el('label', { for: 'dp-escalate-text', text: 'Escalate this ticket' }), words, submit]);
  }

  function feedbackPanel() {
    if (state.feedbackSent) return el('p', { id: 'dp-feedback-done', class: 'muted', text: 'Thanks: your feedback on the brief is recorded.' });
    var missing = el('select', { id: 'dp-feedback-missing', 'aria-label': 'Missing field' }, [el('option', { value: '', text: 'Nothing was missing' })].concat(
      boot.briefFields.map(function (f) { return el('option', { value: f, text: f.replace(/_/g, ' ') }); })));
    function send(useful) {
      var body = { useful: useful, agent: agentBody({}).agent };
      if (missing.value) body.missing = missing.value;
      api('POST', '/api/drafts/' + encodeURIComponent(state.data.draft.id) + '/brief-feedback', body).then(
        function () { state.feedbackSent = true; render(); },
        function (err) { notice('The feedback could not be recorded: ' + err.message, 'error'); });
    }
    return el('div', { id: 'dp-feedback', class: 'panel' }, [
      el('p', { class: 'label', text: 'Was this brief useful?' }),
      el('div', { class: 'row' }, [
        el('button', { id: 'dp-feedback-yes', type: 'button', on: { click: function () { send(true); } }, text: 'Yes' }),
        el('button', { id: 'dp-feedback-no', type: 'button', on: { click: function () { send(false); } }, text: 'No' }),
      ]),
      el('label', { for: 'dp-feedback-missing', text: 'Which field was missing?' }),
      missing,
    ]);
  }

  // ---- the view ----
  function section(title, children, id) {
    return el('section', { id: id }, [el('h2', { text: title })].concat(children));
  }
  function briefView(brief) {
    if (!brief || typeof brief !== 'object') return null;
    var rows = [
      ['Question', brief.question],
      ['Intent', brief.intent],
      ['Missing', (brief.missing_fields || []).join(', ')],
      ['Sentiment', brief.sentiment ? brief.sentiment.label + ' (' + brief.sentiment.score + ')' : ''],
      ['Next step', brief.recommended_next_step],
      ['Reasons', (brief.escalation_reasons || []).join(', ')],
    ].filter(function (r) { return r[1]; });
    return section('Brief', [el('dl', {}, rows.reduce(function (acc, r) { return acc.concat([el('dt', { text: r[0] }), el('dd', { text: String(r[1]) })]); }, []))], 'dp-brief');
  }
  function sourcesView(sources) {
    if (!sources || !sources.length) return section('Sources', [el('p', { class: 'muted', text: 'No help-center source.' })], 'dp-sources');
    return section('Sources', [el('ul', {}, sources.map(function (s) {
      var safe = /^https?:\/\//i.test(s.url || '');
      return el('li', {}, [safe ? el('a', { href: s.url, target: '_blank', rel: 'noopener noreferrer', text: s.title || s.url }) : el('span', { text: s.title || s.url || '' })]);
    }))], 'dp-sources');
  }
  function reviewsView(reviews) {
    if (!reviews.length) return null;
    return section('Earlier reviews', [el('ul', { id: 'dp-reviews' }, reviews.map(function (r) {
      var who = (r.agent && (r.agent.name || r.agent.id)) || 'someone';
      var what = ACTION_LABELS[r.action] || r.action;
      var extra = r.reason ? ' (' + (REASON_LABELS[r.reason] || r.reason) + ')' : '';
      var when = new Date(r.created_at).toLocaleString();
      return el('li', { class: 'review review-' + r.action, 'data-action': r.action }, [el('strong', { text: who }), ' ' + what + extra + ' · ' + when, r.text ? el('q', { text: r.text }) : null]);
    }))], 'dp-earlier');
  }
  function adminSettings() {
    if (!state.isAdmin || (!boot.settingsErrors && !boot.settingsNote)) return null;
    var items = (boot.settingsErrors || []).map(function (e) { return el('li', {}, [el('code', { text: e.path || '(settings)' }), ': ' + e.message]); });
    return el('div', { id: 'dp-settings-error', class: 'notice error', role: 'alert' }, [
      el('strong', { text: boot.settingsErrors ? 'The app settings were not applied; the last valid configuration stays.' : 'Settings' }),
      boot.settingsNote ? el('p', { text: boot.settingsNote }) : null,
      items.length ? el('ul', {}, items) : null,
    ]);
  }

  // ---- admins: the categories' modes and readiness, notices, promote / back to review ----
  function changeMode(category, action) {
    return api('POST', '/apps/zendesk/categories/' + encodeURIComponent(category.id) + '/' + action).then(
      function (r) {
        // the list is drawn again first: drawing clears the notice
        return loadCategories().then(function () {
          notice(category.name + (r.mode === 'autopilot' ? ' is now in autopilot: its next confident answers are sent without review.' : ' is back in review: every draft waits for an agent.'), 'ok');
        });
      },
      function (err) { notice(category.name + ' was not changed: ' + err.message, 'error'); },
    );
  }
  function categoriesView() {
    var view = state.categories;
    if (!view) return null;
    var notices = (view.notices || []).map(function (n) { return el('li', { class: 'notice-' + n.kind, text: n.message }); });
    var rows = view.categories.map(function (c) {
      var e = c.evidence || {};
      var button = c.mode === 'autopilot'
        ? el('button', { type: 'button', class: 'small', 'data-category': c.id, text: 'Back to review', on: { click: function () { changeMode(c, 'demote'); } } })
        : c.mode === 'review' && c.ready
          ? el('button', { type: 'button', class: 'small primary', 'data-category': c.id, text: 'Promote', on: { click: function () { changeMode(c, 'promote'); } } })
          : null;
      return el('li', { class: 'category', 'data-category': c.id, 'data-mode': c.mode }, [
        el('strong', { text: c.name }), ' ',
        el('span', { class: 'muted', text: c.label }),
        el('span', { class: 'muted', text: ' · clean ' + Math.round((e.clean_rate || 0) * 100) + '% of ' + (e.reviews || 0) + ' reviews' }),
        button ? ' ' : null, button,
      ]);
    });
    return el('details', { id: 'dp-categories', open: state.categoriesOpen, on: { toggle: function (ev) { state.categoriesOpen = ev.target.open; } } }, [
      el('summary', { text: 'Categories' + (notices.length ? ' (' + notices.length + ' notice' + (notices.length > 1 ? 's' : '') + ')' : '') }),
      notices.length ? el('ul', { id: 'dp-category-notices', class: 'notice info', role: 'status' }, notices) : null,
      el('ul', { id: 'dp-category-list' }, rows),
    ]);
  }
  function loadCategories() {
    if (!boot.admin) return Promise.resolve();
    return api('GET', '/apps/zendesk/categories').then(
      function (view) { state.categories = view; render(); },
      function (err) { notice('The categories could not be read: ' + err.message, 'error'); },
    );
  }

  function render() {
    root.textContent = '';
    root.appendChild(el('p', { id: 'dp-notice', class: 'notice', hidden: true }));
    var settings = adminSettings();
    if (settings) root.appendChild(settings);
    var categories = categoriesView();
    if (categories) root.appendChild(categories);
    var data = state.data;
    if (!data || !data.draft) {
      root.appendChild(el('p', { id: 'dp-empty', class: 'muted', text: 'draftpilot has no draft for this ticket yet.' }));
      return;
    }
    var d = data.draft;
    var percent = Math.round((d.confidence || 0) * 100);
    root.appendChild(el('header', {}, [
      el('span', { id: 'dp-decision', class: 'badge badge-' + d.decision, text: d.decision }),
      el('span', { id: 'dp-category', class: 'muted', text: d.category }),
      el('span', { id: 'dp-confidence', class: 'confidence', title: 'model confidence', text: percent + '%' }),
    ]));
    if (d.reasons && d.reasons.length) root.appendChild(el('p', { id: 'dp-reasons', class: 'muted', text: 'Escalation reasons: ' + d.reasons.join(', ') }));
    if (d.sampled && !d.sampled.review_id) {
      root.appendChild(el('p', { id: 'dp-sampled', class: 'notice info', text: d.sampled.kind === 'autopilot'
        ? 'Sampled for review: this reply was sent on autopilot. Rate it with Approve or Reject (with a reason).'
        : 'Sampled for review: this solved conversation was picked for a rating. Approve or Reject the draft (with a reason).' }));
    }
    var latest = data.reviews[data.reviews.length - 1];
    if (latest) {
      root.appendChild(el('p', { id: 'dp-reviewed', class: 'notice info' }, [
        'Already ' + (ACTION_LABELS[latest.action] || latest.action) + ' by ',
        el('strong', { text: (latest.agent && (latest.agent.name || latest.agent.id)) || 'someone' }),
        '.',
      ]));
    }
    root.appendChild(section('Draft', [d.draft ? el('div', { id: 'dp-draft', class: 'draft', text: d.draft }) : el('p', { id: 'dp-draft', class: 'muted', text: 'No reply was drafted: this ticket needs a person.' })], 'dp-draft-section'));
    var actions = el('div', { class: 'actions' }, [
      d.draft ? el('button', { id: 'dp-approve', class: 'primary', type: 'button', text: 'Approve', on: { click: function () { insert('approve'); } } }) : null,
      d.draft ? el('button', { id: 'dp-edit', type: 'button', text: 'Edit', on: { click: function () { insert('edit'); } } }) : null,
      el('button', { id: 'dp-reject-open', type: 'button', text: 'Reject', 'aria-expanded': String(state.panel === 'reject'), on: { click: function () { state.panel = state.panel === 'reject' ? null : 'reject'; render(); } } }),
      el('button', { id: 'dp-escalate-open', type: 'button', text: 'Escalate', 'aria-expanded': String(state.panel === 'escalate'), on: { click: function () { state.panel = state.panel === 'escalate' ? null : 'escalate'; render(); } } }),
    ]);
    root.appendChild(actions);
    if (state.panel === 'reject') root.appendChild(rejectPanel());
    if (state.panel === 'escalate') root.appendChild(escalatePanel());
    if (state.panel === 'feedback' || d.decision === 'escalate') root.appendChild(feedbackPanel());
    var brief = briefView(d.brief);
    if (brief) root.appendChild(brief);
    root.appendChild(sourcesView(d.sources));
    var earlier = reviewsView(data.reviews);
    if (earlier) root.appendChild(earlier);
    client.invoke('resize', { width: '100%', height: Math.min(1200, document.body.scrollHeight + 16) + 'px' });
  }

  function load() {
    return api('GET', '/apps/zendesk/tickets/' + encodeURIComponent(state.ticketId) + '/draft').then(function (data) {
      state.data = data;
      render();
    });
  }

  Promise.all([client.get('ticket.id'), client.get('currentUser')]).then(function (answers) {
    state.ticketId = answers[0]['ticket.id'];
    var user = answers[1].currentUser || {};
    // the signed load's user is the session's agent; the ZAF user only when the token named none
    state.agent = { id: boot.agentId || (user.id !== undefined ? user.id : 'unknown'), name: user.name };
    state.isAdmin = boot.admin === true || user.role === 'admin';
    return load().then(loadCategories);
  }).catch(function (err) {
    root.textContent = '';
    root.appendChild(el('p', { id: 'dp-load-error', class: 'notice error', role: 'alert', text: 'draftpilot could not load this ticket’s draft: ' + err.message }));
  });
})();
