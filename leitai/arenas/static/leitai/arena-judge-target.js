/* Leitai: which sheet the judge's form is for, from the judge's state alone (a pure function).
 *
 *   LeitaiJudgeTarget.scoringTarget(state) → the presenter on stage (state.current), with the
 *     host's reason in `reopened` when the host reopened that very sheet; or a sheet the host
 *     reopened for an earlier presenter, shaped as a presenter open for scoring (`reopened`: the
 *     host's reason); or else state.current (the form then shows what the presenter's state says)
 *
 * The presenter on stage comes first while this judge has a sheet to give for them. Otherwise the
 * form is for the first reopened sheet that is not the on-stage presenter's: theirs is either the
 * one above or already in, and must not hide a correction asked for an earlier presenter.
 * Plain ES2017, no modules, no build step (tests/js/target.test.js).
 */
(function (root) {
  "use strict";

  function scoringTarget(state) {
    var cur = state.current;
    var reopened = state.reopened || [];
    var onStage =
      cur &&
      !cur.my_sheet &&
      cur.my_status === "waiting" &&
      (cur.status === "presenting" || cur.status === "scoring");
    var k;
    if (onStage) {
      for (k = 0; k < reopened.length; k++) {
        // The host reopened this presenter's sheet: the form says why.
        if (reopened[k].participant === cur.id) {
          return Object.assign({}, cur, { reopened: reopened[k].reason });
        }
      }
      return cur;
    }
    for (k = 0; k < reopened.length; k++) {
      var r = reopened[k];
      if (cur && r.participant === cur.id) continue;
      return {
        id: r.participant,
        position: r.position,
        unit: r.unit,
        presenter: "",
        presenter_role: "",
        no_notes: false,
        status: "scoring",
        scoring_open: true,
        my_status: "waiting",
        my_sheet: null,
        result: null,
        reopened: r.reason,
      };
    }
    return cur;
  }

  root.LeitaiJudgeTarget = { scoringTarget: scoringTarget };
})(window);
