"""Evidence library seed for the back-pain demo: guidance, standards, reviews and myths.

Every summary is written in the library's own words; each item cites and links its source.
Guideline recommendation numbers appear only where they were confirmed against the guideline;
the others cite the guideline without a number. Idempotent: items are found by `key`.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from evidence import services
from evidence.models import EvidenceItem, Kind, Status, Strength

NG59 = "NICE guideline NG59: Low back pain and sciatica in over 16s (2016, updated 2020)"
NG59_URL = "https://www.nice.org.uk/guidance/ng59"
QS155 = "NICE quality standard QS155: Low back pain (2017)"
QS155_URL = "https://www.nice.org.uk/guidance/qs155"
CKS = "NICE Clinical Knowledge Summaries: Back pain, low (without radiculopathy)"
CKS_URL = "https://cks.nice.org.uk/topics/back-pain-low-without-radiculopathy/"
OSULLIVAN = (
    "O'Sullivan P, Caneiro JP, O'Sullivan K, et al. Back to basics: 10 facts every person "
    "should know about back pain. Br J Sports Med 2020;54:698-699"
)
OSULLIVAN_DOI = "10.1136/bjsports-2019-101611"

TOPICS = {
    "assessment": "Assessment",
    "red-flags": "Red flags",
    "risk-stratification": "Risk stratification",
    "imaging": "Imaging",
    "self-management": "Self-management",
    "exercise": "Exercise",
    "psychological-care": "Psychological care",
    "medicines": "Medicines",
    "referral": "Referral",
    "invasive-treatment": "Invasive treatment",
    "quality-improvement": "Quality improvement",
}


@dataclass
class Seed:
    key: str
    kind: str
    title: str
    summary: str
    citation: str
    topics: list[str]
    url: str = ""
    doi: str = ""
    strength: str = Strength.CONSENSUS
    published_on: date | None = None
    myth: str = ""
    myth_evidence: str = ""


def _ng59(key, title, summary, topics):
    return Seed(
        key=f"ng59-{key}",
        kind=Kind.RECOMMENDATION,
        title=title,
        summary=summary,
        citation=NG59,
        url=NG59_URL,
        topics=topics,
        published_on=date(2016, 11, 30),
    )


def _qs(number, title, summary, topics):
    return Seed(
        key=f"qs155-{number}",
        kind=Kind.QUALITY_STATEMENT,
        title=f"QS155 statement {number}: {title}",
        summary=summary,
        citation=f"{QS155}, statement {number}",
        url=QS155_URL,
        topics=topics,
        published_on=date(2017, 7, 11),
    )


def _myth(number, myth, evidence, summary, topics):
    return Seed(
        key=f"myth-{number}",
        kind=Kind.MYTH,
        title=f"Myth: {myth}",
        myth=myth,
        myth_evidence=evidence,
        summary=summary,
        citation=OSULLIVAN,
        doi=OSULLIVAN_DOI,
        topics=topics,
        strength=Strength.MODERATE,
        published_on=date(2020, 6, 1),
    )


ITEMS = [
    Seed(
        key="ng59",
        kind=Kind.GUIDELINE,
        title="NICE NG59: low back pain and sciatica in over 16s",
        summary=(
            "The national guideline for assessing and managing low back pain, with or without "
            "sciatica, in people aged 16 and over. It asks us to:\n\n"
            "- rule out specific causes, then **stratify risk** and match care to it;\n"
            "- give **self-management advice** at every stage and encourage activity;\n"
            "- offer **exercise**, and add manual or psychological therapy only as part of a "
            "package;\n"
            "- avoid **routine imaging**, **paracetamol alone**, **opioids for chronic pain** "
            "and a list of passive treatments that do not help.\n\n"
            "NICE text is copyright: read the recommendations themselves on the NICE website."
        ),
        citation=NG59,
        url=NG59_URL,
        topics=["assessment", "self-management", "exercise", "medicines", "referral"],
        published_on=date(2016, 11, 30),
    ),
    _ng59(
        "1-1-1",
        "NG59 1.1.1: think about other diagnoses first",
        "Before calling it non-specific back pain, consider whether another diagnosis fits, "
        "and exclude specific causes such as cancer, infection, trauma or inflammatory disease "
        "(for example spondyloarthritis).",
        ["assessment", "red-flags"],
    ),
    _ng59(
        "1-1-2",
        "NG59 1.1.2: consider risk stratification at first contact",
        "At the first contact of each new episode, consider a stratification tool such as "
        "STarT Back so that the plan reflects how likely the person is to do badly.",
        ["assessment", "risk-stratification"],
    ),
    _ng59(
        "1-1-3",
        "NG59 1.1.3: match the care to the risk",
        "People likely to improve quickly need simple things: reassurance, advice to keep "
        "active and guidance on looking after themselves. People at higher risk need more: "
        "exercise, manual therapy within a package, or a psychologically informed approach.",
        ["risk-stratification", "self-management", "psychological-care"],
    ),
    _ng59(
        "1-1-4",
        "NG59 1.1.4: no routine imaging outside specialist care",
        "Do not routinely request imaging from a non-specialist setting for people with low "
        "back pain, with or without sciatica.",
        ["imaging"],
    ),
    _ng59(
        "1-1-5",
        "NG59 1.1.5: explain that a specialist may not need a scan",
        "When referring someone to a specialist service, tell them that they may not need "
        "imaging there either, so expectations are set early.",
        ["imaging", "referral"],
    ),
    _ng59(
        "1-2-1",
        "NG59 1.2.1: tailored self-management advice at every step",
        "Give advice and information, tailored to the person's needs and abilities, to help "
        "them manage their back pain themselves, and keep doing so at every step of care.",
        ["self-management"],
    ),
    _ng59(
        "1-2-2",
        "NG59 1.2.2: consider a group exercise programme",
        "Consider a group exercise programme (biomechanical, aerobic, mind-body or a mix) "
        "for a specific episode or flare-up, taking the person's preferences into account.",
        ["exercise"],
    ),
    _ng59(
        "not-offered",
        "NG59: treatments not to offer for low back pain",
        "The guideline advises against belts or corsets, foot orthotics, rocker-sole shoes, "
        "traction, acupuncture, ultrasound, TENS, PENS and interferential therapy. Manual "
        "therapy is only considered as part of a package of care that includes exercise.",
        ["self-management", "exercise"],
    ),
    _ng59(
        "psychological",
        "NG59: psychological therapy alongside exercise",
        "A psychological approach using cognitive behavioural principles is considered only "
        "together with exercise, not on its own. A combined physical and psychological "
        "programme suits persistent pain where psychosocial obstacles stand in the way of "
        "recovery.",
        ["psychological-care", "exercise", "referral"],
    ),
    _ng59(
        "return-to-work",
        "NG59: support return to work and normal activity",
        "Help people get back to work and their usual activities; staying away from normal "
        "life is part of what keeps back pain disabling.",
        ["self-management"],
    ),
    _ng59(
        "medicines",
        "NG59: medicines for low back pain",
        "If a medicine is needed, consider an oral NSAID at the lowest effective dose for the "
        "shortest time, after weighing gastrointestinal, liver and cardio-renal risk. Consider "
        "a weak opioid for acute pain only when an NSAID is unsuitable or has not helped. Do "
        "not offer paracetamol alone, opioids for chronic low back pain, or SSRIs, SNRIs, "
        "tricyclics or anticonvulsants for low back pain.",
        ["medicines"],
    ),
    _ng59(
        "sciatica-medicines",
        "NG59 (2020 update): medicines for sciatica",
        "For sciatica the guideline advises against gabapentinoids, other antiepileptics, oral "
        "corticosteroids and benzodiazepines, and against opioids for chronic sciatica. For "
        "people already taking these, talk through the risks and how to come off them.",
        ["medicines"],
    ),
    _ng59(
        "invasive",
        "NG59: injections and surgery",
        "Spinal injections are not offered for low back pain. Radiofrequency denervation can "
        "be considered after a positive medial branch block when non-surgical care has failed. "
        "An epidural may be considered for acute severe sciatica. Spinal fusion is not offered "
        "outside a clinical trial, and disc replacement not at all.",
        ["invasive-treatment", "referral"],
    ),
    _qs(
        1,
        "risk stratification",
        "Primary care services have an agreed way of stratifying people with a new episode of "
        "low back pain, so that care can be matched to their risk.",
        ["risk-stratification", "quality-improvement"],
    ),
    _qs(
        2,
        "no imaging without suspected serious pathology",
        "Non-specialist services do not request imaging for low back pain unless serious "
        "underlying pathology is suspected.",
        ["imaging", "quality-improvement"],
    ),
    _qs(
        3,
        "advice and information to self-manage",
        "People with low back pain are given advice and information that helps them manage "
        "it themselves.",
        ["self-management", "quality-improvement"],
    ),
    _qs(
        4,
        "medicines not to prescribe without sciatica",
        "People with low back pain without sciatica are not prescribed paracetamol on its own, "
        "gabapentinoids, antiepileptics or antidepressants for their back pain.",
        ["medicines", "quality-improvement"],
    ),
    _qs(
        5,
        "no opioids for chronic low back pain",
        "People with chronic low back pain without sciatica are not prescribed opioids for it.",
        ["medicines", "quality-improvement"],
    ),
    _qs(
        6,
        "no spinal injections",
        "People with low back pain are not offered spinal injections, except radiofrequency "
        "denervation when the criteria for it are met.",
        ["invasive-treatment", "quality-improvement"],
    ),
    Seed(
        key="start-back",
        kind=Kind.TOOL,
        title="STarT Back: scoring and risk strata",
        summary=(
            "A nine-question screening tool from Keele University about the last two weeks. "
            "Eight questions are agree/disagree; the last asks how bothersome the pain has "
            "been on a five-point scale.\n\n"
            "**Scoring.** The total is the number of positive answers (0 to 9). The "
            "psychosocial subscale counts questions 5 to 9 (0 to 5); the bothersomeness "
            "question counts only when answered *very much* or *extremely*.\n\n"
            "| Stratum | Rule | Matched care |\n|---|---|---|\n"
            "| Low | total 0-3 | assessment, advice, reassurance, written information |\n"
            "| Medium | total 4+ and subscale 0-3 | as low, plus physiotherapy |\n"
            "| High | subscale 4-5 | as low, plus psychologically informed physiotherapy |\n\n"
            "The questions themselves are Keele's copyright and are not reproduced here: use "
            "the licensed version from Keele (free for non-commercial use)."
        ),
        citation="Keele University STarT Back Screening Tool",
        url="https://www.keele.ac.uk/startback/",
        topics=["assessment", "risk-stratification"],
        strength=Strength.HIGH,
    ),
    Seed(
        key="hill-2011",
        kind=Kind.TRIAL,
        title="Stratified care with STarT Back improved disability at lower cost",
        summary=(
            "A randomised trial of 851 patients in 10 general practices compared stratified "
            "care (treatment matched to STarT Back stratum: advice for low risk, "
            "physiotherapy for medium risk, psychologically informed physiotherapy for high "
            "risk) with usual care. Stratified care gave better disability outcomes and cost "
            "less."
        ),
        citation=(
            "Hill JC, Whitehurst DGT, Lewis M, et al. Comparison of stratified primary care "
            "management for low back pain with current best practice (STarT Back). Lancet 2011"
        ),
        doi="10.1016/S0140-6736(11)60937-9",
        topics=["risk-stratification", "referral"],
        strength=Strength.HIGH,
        published_on=date(2011, 10, 29),
    ),
    Seed(
        key="red-flags-cauda-equina",
        kind=Kind.GUIDELINE,
        title="Red flags: cauda equina syndrome",
        summary=(
            "Ask about and act on: new difficulty passing urine or controlling bladder or "
            "bowel; numbness in the saddle or around the back passage; severe or worsening "
            "weakness of the legs or a change in walking; sciatica in both legs; new sexual "
            "dysfunction. Give every patient safety-netting advice on these symptoms."
        ),
        citation=CKS,
        url=CKS_URL,
        topics=["assessment", "red-flags", "referral"],
    ),
    Seed(
        key="red-flags-cancer",
        kind=Kind.GUIDELINE,
        title="Red flags: spinal malignancy",
        summary=(
            "Features that raise suspicion: a past history of cancer; new back pain starting "
            "over 50 or under 20; pain not improving after a month; pain at night; weight loss "
            "that has no other explanation."
        ),
        citation=CKS,
        url=CKS_URL,
        topics=["assessment", "red-flags"],
    ),
    Seed(
        key="red-flags-infection",
        kind=Kind.GUIDELINE,
        title="Red flags: spinal infection",
        summary=(
            "Features that raise suspicion: fever; a weakened immune system; injecting drug "
            "use; a recent bacterial infection."
        ),
        citation=CKS,
        url=CKS_URL,
        topics=["assessment", "red-flags"],
    ),
    Seed(
        key="red-flags-fracture",
        kind=Kind.GUIDELINE,
        title="Red flags: vertebral fracture",
        summary=(
            "Features that raise suspicion: major trauma, or minor trauma in someone with "
            "osteoporosis or on long-term steroids."
        ),
        citation=CKS,
        url=CKS_URL,
        topics=["assessment", "red-flags"],
    ),
    Seed(
        key="ifompt-red-flags",
        kind=Kind.SYSTEMATIC_REVIEW,
        title="Red flags inform reasoning; they are not a checklist",
        summary=(
            "An international framework for recognising serious spinal pathology found that "
            "most single red flags are poor at telling who has a serious cause. Use them to "
            "guide clinical reasoning and follow-up, together with the whole picture, rather "
            "than ticking them off."
        ),
        citation=(
            "Finucane LM, Downie A, Mercer C, et al. International framework for red flags for "
            "potential serious spinal pathologies. J Orthop Sports Phys Ther 2020"
        ),
        doi="10.2519/jospt.2020.9971",
        topics=["assessment", "red-flags"],
        strength=Strength.MODERATE,
        published_on=date(2020, 7, 1),
    ),
    _myth(
        1,
        "back pain is a sign of something serious",
        "Serious causes are uncommon; most back pain is not dangerous.",
        "Only a small minority of people with back pain have a serious cause such as cancer, "
        "infection, fracture or cauda equina syndrome. Checking for red flags and then "
        "reassuring people is the right balance.",
        ["assessment", "red-flags"],
    ),
    _myth(
        2,
        "back pain is caused by getting older and will only get worse",
        "Most episodes settle, and age is not the cause; back pain is not a disease of ageing.",
        "Most people improve over weeks, and even long-standing pain can get better. Telling "
        "people their back is 'wearing out' tends to make them fearful and less active.",
        ["self-management"],
    ),
    _myth(
        3,
        "persistent back pain means the back is damaged",
        "Pain that lasts is rarely explained by ongoing tissue damage.",
        "Long-lasting pain is shaped by sensitised nerves, beliefs, fear, sleep, mood and "
        "stress as much as by the tissues. Addressing these helps more than hunting for damage.",
        ["psychological-care", "self-management"],
    ),
    _myth(
        4,
        "a scan will show what is wrong",
        "Scans seldom find the cause or change the treatment, and findings are common in "
        "people with no pain.",
        "Changes such as disc degeneration and bulges are common in people without pain, so "
        "they often mislead. Scanning without suspicion of serious disease can raise worry and "
        "lead to more treatment without better outcomes.",
        ["imaging"],
    ),
    _myth(
        5,
        "if movement hurts, I am doing harm",
        "Pain on movement is not a reliable sign of harm; gradual movement is safe and helps.",
        "Backs are strong. As pain settles, movement that is at first uncomfortable becomes "
        "easier. Avoiding movement tends to prolong disability.",
        ["exercise", "self-management"],
    ),
    _myth(
        6,
        "bad posture causes back pain",
        "How we sit, stand or lift does not explain back pain; varied, relaxed postures are fine.",
        "No single 'correct' posture protects the back. Changing position and moving in "
        "comfortable ways is more helpful than holding a rigid posture.",
        ["self-management", "exercise"],
    ),
    _myth(
        7,
        "a weak core causes back pain",
        "Core weakness does not cause back pain, and core exercises are no better than other "
        "exercise.",
        "People with back pain often tense their trunk muscles protectively. Any exercise the "
        "person enjoys and keeps doing is likely to help as much as core training.",
        ["exercise"],
    ),
    _myth(
        8,
        "lifting and bending will wear my back out",
        "The back adapts to load; gradually building up activity makes it stronger.",
        "Like other tissues, the spine gets stronger with gradual loading. Avoiding bending and "
        "lifting can make the back less tolerant of everyday tasks.",
        ["exercise", "self-management"],
    ),
    _myth(
        9,
        "a flare-up means I have injured my back again",
        "Flare-ups are common and usually linked to activity, stress, tiredness or low mood, "
        "not new damage.",
        "Flare-ups can be very painful but usually settle. Knowing what tends to trigger them "
        "and having a plan for them helps people stay in control.",
        ["self-management", "psychological-care"],
    ),
    _myth(
        10,
        "strong medicines, injections and surgery are the answer",
        "These are rarely needed and carry risks; their benefit for most back pain is small.",
        "Strong painkillers, injections and operations help few people with back pain and can "
        "cause harm. Time, movement, reassurance and addressing worries help most people.",
        ["medicines", "invasive-treatment"],
    ),
    Seed(
        key="cochrane-bed-rest",
        kind=Kind.MYTH,
        title="Staying active rather than bed rest for acute back pain",
        summary=(
            "A Cochrane review compared advice to rest in bed with advice to stay active for "
            "acute low back pain. People advised to stay active did slightly better on pain "
            "and function. For sciatica there was little or no difference between the two."
        ),
        citation=(
            "Dahm KT, Brurberg KG, Jamtvedt G, Hagen KB. Advice to rest in bed versus advice to "
            "stay active for acute low-back pain and sciatica. Cochrane Database Syst Rev 2010"
        ),
        doi="10.1002/14651858.CD007612.pub2",
        topics=["self-management"],
        strength=Strength.LOW,
        published_on=date(2010, 6, 16),
        myth="Rest in bed until the pain goes.",
        myth_evidence="Keeping active is slightly better than bed rest for acute back pain.",
    ),
    Seed(
        key="cochrane-paracetamol",
        kind=Kind.SYSTEMATIC_REVIEW,
        title="Paracetamol does not help acute low back pain",
        summary=(
            "A Cochrane review of three trials with 1,825 people found, with high-quality "
            "evidence, that paracetamol was no better than placebo for pain, disability or "
            "quality of life in acute low back pain."
        ),
        citation=(
            "Saragiotto BT, Machado GC, Ferreira ML, et al. Paracetamol for low back pain. "
            "Cochrane Database Syst Rev 2016"
        ),
        doi="10.1002/14651858.CD012230",
        topics=["medicines"],
        strength=Strength.HIGH,
        published_on=date(2016, 6, 7),
    ),
    Seed(
        key="cochrane-opioids",
        kind=Kind.SYSTEMATIC_REVIEW,
        title="Opioids give small, short-term benefit in chronic low back pain",
        summary=(
            "A Cochrane review found that opioids reduced pain and improved function only a "
            "little compared with placebo, in trials lasting a few weeks to months. Longer-term "
            "benefit and harms were not well studied."
        ),
        citation=(
            "Chaparro LE, Furlan AD, Deshpande A, et al. Opioids compared with placebo or other "
            "treatments for chronic low back pain. Cochrane Database Syst Rev 2013"
        ),
        doi="10.1002/14651858.CD004959.pub4",
        topics=["medicines"],
        strength=Strength.MODERATE,
        published_on=date(2013, 8, 27),
    ),
    Seed(
        key="brinjikji-2015",
        kind=Kind.SYSTEMATIC_REVIEW,
        title="Scan findings are common in people without back pain",
        summary=(
            "A systematic review of imaging in people with no back pain found disc degeneration "
            "in about a third of 20-year-olds and in nearly all 80-year-olds. Such findings are "
            "often part of normal ageing rather than a cause of pain."
        ),
        citation=(
            "Brinjikji W, Luetmer PH, Comstock B, et al. Systematic literature review of imaging "
            "features of spinal degeneration in asymptomatic populations. AJNR 2015"
        ),
        doi="10.3174/ajnr.A4173",
        topics=["imaging"],
        strength=Strength.MODERATE,
        published_on=date(2015, 4, 1),
    ),
    Seed(
        key="chiu-2015",
        kind=Kind.SYSTEMATIC_REVIEW,
        title="Herniated discs often shrink on their own",
        summary=(
            "A systematic review found that disc herniations frequently regress without "
            "surgery, especially larger and sequestered ones. A 'slipped disc' is not a "
            "permanent structural failure."
        ),
        citation=(
            "Chiu CC, Chuang TY, Chang KH, et al. The probability of spontaneous regression of "
            "lumbar herniated disc: a systematic review. Clin Rehabil 2015"
        ),
        doi="10.1177/0269215514540919",
        topics=["imaging", "self-management"],
        strength=Strength.MODERATE,
        published_on=date(2015, 2, 1),
    ),
    Seed(
        key="lancet-2018",
        kind=Kind.SYSTEMATIC_REVIEW,
        title="Lancet series 2018: low back pain care is often against the evidence",
        summary=(
            "A series of three papers showed that low back pain is the leading cause of "
            "disability worldwide and that imaging, rest, opioids, injections and surgery are "
            "overused against guidance, while education and activity are underused."
        ),
        citation=(
            "Hartvigsen J, Hancock MJ, Kongsted A, et al. What low back pain is and why we need "
            "to pay attention. Lancet 2018 (with Foster et al. and Buchbinder et al.)"
        ),
        doi="10.1016/S0140-6736(18)30480-X",
        topics=["imaging", "medicines", "invasive-treatment", "quality-improvement"],
        strength=Strength.MODERATE,
        published_on=date(2018, 3, 21),
    ),
]


@transaction.atomic
def seed(programme) -> None:
    """Create the published demo library (items are found by key: a second run changes nothing)."""
    curator = programme.leads.order_by("pk").first()
    if curator is None:
        return
    topics = {
        slug: services.topic_get_or_create(name=name, slug=slug) for slug, name in TOPICS.items()
    }
    review_on = date(programme.follow_up_due_date.year + 1, 1, 31)
    for entry in ITEMS:
        if EvidenceItem.objects.filter(key=entry.key).exists():
            continue
        item = services.evidence_create(
            curator=curator,
            topics=[topics[slug] for slug in entry.topics],
            key=entry.key,
            kind=entry.kind,
            title=entry.title,
            summary=entry.summary,
            myth=entry.myth,
            myth_evidence=entry.myth_evidence,
            citation=entry.citation,
            url=entry.url,
            doi=entry.doi,
            strength=entry.strength,
            published_on=entry.published_on,
            next_review_on=review_on,
        )
        if item.status != Status.PUBLISHED:
            services.evidence_publish(item=item, by=curator)
